import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkedLookup, isPublicAddress, resolvedProblem, urlProblem } from '../../../src/webhooks/address-rules';
import { sendWebhook, type SendOptions } from '../../../src/webhooks/send';

const PRODUCTION = { production: true, allowHttpLoopback: false };
const TESTS = { production: false, allowHttpLoopback: true };

describe('webhook address rules', () => {
  it('tells public addresses from loopback, private, link-local, CGNAT, multicast and reserved ones', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(address), address).toBe(true);
    for (const address of [
      '127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '224.0.0.1', '255.255.255.255', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1',
      // IPv4-compatible (deprecated) and IPv4-translated forms of loopback and private addresses.
      '::7f00:1', '::a00:1', '::ffff:0:7f00:1', 'not-an-ip',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it('in production, refuses literal private addresses, plain http and credentials by the URL alone', () => {
    expect(urlProblem('https://hooks.example.com/in', PRODUCTION)).toBeNull();
    expect(urlProblem('https://10.0.0.5/in', PRODUCTION)).toMatch(/private/);
    expect(urlProblem('https://169.254.169.254/latest/meta-data', PRODUCTION)).toMatch(/link-local/);
    expect(urlProblem('https://[::1]:8443/in', PRODUCTION)).toMatch(/loopback/);
    // Neither loopback, private nor link-local, yet not public: the rule says so rather than name a class it is not.
    for (const url of ['https://100.64.0.1/p', 'https://192.0.2.1/p']) expect(urlProblem(url, PRODUCTION), url).toMatch(/other non-public address/);
    // Other spellings of loopback, normalised by the URL parser before the check.
    for (const url of ['https://[::ffff:127.0.0.1]/', 'https://2130706433/', 'https://0x7f.1/', 'https://[::7f00:1]/']) expect(urlProblem(url, PRODUCTION), url).toMatch(/loopback/);
    expect(urlProblem('http://127.0.0.1:8080/in', { production: true, allowHttpLoopback: true })).toBe('must use https (http only to loopback outside production)');
    expect(urlProblem('https://user:secret@hooks.example.com/', PRODUCTION)).toBe('must not carry credentials (user:password@): they would show in logs and in every list of endpoints');
    expect(urlProblem('ftp://hooks.example.com/', PRODUCTION)).toBe('must use https');
    expect(urlProblem('hooks.example.com', PRODUCTION)).toBe('must be an absolute URL');
  });

  it('allows http to loopback only where the setting allows it, and never to another host', () => {
    expect(urlProblem('http://127.0.0.1:8080/in', TESTS)).toBeNull();
    expect(urlProblem('http://localhost:8080/in', TESTS)).toBeNull();
    expect(urlProblem('http://127.0.0.1:8080/in', { production: false, allowHttpLoopback: false })).toBe('must use https');
    expect(urlProblem('http://hooks.example.com/in', TESTS)).toMatch(/must use https/);
  });

  it('in production, refuses a host name that resolves to loopback', async () => {
    expect(await resolvedProblem('https://localhost:8443/in', PRODUCTION)).toBe('must not resolve to a loopback, private, link-local or other non-public address (shared, documentation, multicast, reserved)');
    expect(await resolvedProblem('https://localhost:8443/in', { production: false, allowHttpLoopback: false })).toBeNull();
  });
});

describe('sending one attempt', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }
  const message = { messageId: 'msg_1', body: '{"id":"msg_1"}' };
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const opts = (over: Partial<SendOptions> = {}): SendOptions => ({ ...TESTS, timeoutMs: 2_000, maxResponseBytes: 1024, ...over });

  it('resolves at connection time and, in production, refuses a host with a loopback address (the socket then connects to what was checked)', async () => {
    const lookup = (policy: typeof PRODUCTION) =>
      new Promise<{ code?: string; message?: string; addresses?: unknown }>((resolve) =>
        checkedLookup(policy)('localhost', { all: true }, (error, addresses) => resolve(error ? { code: (error as NodeJS.ErrnoException).code, message: error.message } : { addresses })),
      );
    expect(await lookup(PRODUCTION)).toMatchObject({ code: 'EADDRREFUSED', message: expect.stringMatching(/^localhost resolves to .+, which is not a public address$/) });
    expect(await lookup(TESTS)).toMatchObject({ addresses: expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]) });
  });

  it('in production, never sends to loopback', async () => {
    let hits = 0;
    const port = await serve((_req, res) => {
      hits++;
      res.end();
    });
    const result = await sendWebhook({ url: `https://localhost:${port}/in`, secret }, message, new Date(), opts({ production: true, allowHttpLoopback: false }));
    expect(result).toMatchObject({ succeeded: false, responseStatus: null, error: expect.stringMatching(/loopback/) });
    expect(hits).toBe(0);
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    let hits = 0;
    const port = await serve((req, res) => {
      hits++;
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    });
    const result = await sendWebhook({ url: `http://127.0.0.1:${port}/in`, secret }, message, new Date(), opts());
    expect(result).toMatchObject({ succeeded: false, responseStatus: 302, error: 'redirect to http://169.254.169.254/latest/meta-data not followed' });
    expect(hits).toBe(1);
  });

  it('reads at most the configured bytes of a response, so an endless body cannot hold the worker', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      pump();
    });
    const result = await sendWebhook({ url: `http://127.0.0.1:${port}/in`, secret }, message, new Date(), opts({ timeoutMs: 2_000 }));
    expect(result).toMatchObject({ succeeded: true, responseStatus: 200, error: null });
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const port = await serve(() => {});
    const result = await sendWebhook({ url: `http://127.0.0.1:${port}/in`, secret }, message, new Date(), opts({ timeoutMs: 200 }));
    expect(result).toMatchObject({ succeeded: false, responseStatus: null, error: 'no response within 200 ms' });
    server!.closeAllConnections();
  });

  it('fails an attempt whose 2xx response is cut off before its body ends: the receiver may not have taken the event', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.socket!.destroy(), 20);
    });
    const result = await sendWebhook({ url: `http://127.0.0.1:${port}/in`, secret }, message, new Date(), opts());
    expect(result).toMatchObject({ succeeded: false, responseStatus: 200, error: 'HTTP 200, then aborted' });
  });

  it('keeps the status of a response whose body does not end within the timeout, 2xx or not', async () => {
    for (const status of [500, 200]) {
      const port = await serve((_req, res) => {
        res.writeHead(status);
        res.write('working on it');
      });
      const result = await sendWebhook({ url: `http://127.0.0.1:${port}/in`, secret }, message, new Date(), opts({ timeoutMs: 200 }));
      expect(result).toMatchObject({ succeeded: false, responseStatus: status, error: `HTTP ${status}, but its body did not end within 200 ms` });
      server!.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
  });
});
