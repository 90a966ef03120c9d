import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkedLookup, urlProblem, type AddressPolicy } from './address-rules';
import { signedHeaders } from './signature';

export interface SendOptions extends AddressPolicy {
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface AttemptResult {
  succeeded: boolean;
  /** The HTTP status, or null when no response came. */
  responseStatus: number | null;
  /** What went wrong (or the start of a non-2xx body), null on success. */
  error: string | null;
  durationMs: number;
}

/** Longest error text kept per attempt. */
const ERROR_CHARS = 500;

/**
 * POSTs one signed event to `url`. Only a 2xx is a success. Redirects are not followed: a 3xx is a failed
 * attempt (following one could lead to an address the rules refuse). The address rules are checked again
 * here, on the address the socket connects to; at most `maxResponseBytes` of the response are read.
 */
export async function sendWebhook(target: { url: string; secret: string }, message: { messageId: string; body: string }, at: Date, opts: SendOptions): Promise<AttemptResult> {
  const started = performance.now();
  const done = (responseStatus: number | null, error: string | null): AttemptResult => ({
    succeeded: error === null,
    responseStatus,
    error: error?.slice(0, ERROR_CHARS) ?? null,
    durationMs: Math.round(performance.now() - started),
  });
  const problem = urlProblem(target.url, opts);
  if (problem) return done(null, `url ${problem}`);
  const url = new URL(target.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    // The status of a response that began: a body still coming at the timeout is that status's failure, not "no response".
    let answered: number | null = null;
    const failed = (error: Error) => {
      const timedOut = error.name === 'TimeoutError' || error.name === 'AbortError';
      if (!timedOut) return resolve(done(answered, answered === null ? error.message : `HTTP ${answered}, then ${error.message}`));
      resolve(done(answered, answered === null ? `no response within ${opts.timeoutMs} ms` : `HTTP ${answered}, but its body did not end within ${opts.timeoutMs} ms`));
    };
    const req = request(
      url,
      {
        method: 'POST',
        lookup: checkedLookup(opts),
        signal: AbortSignal.timeout(opts.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'sandan-exchange-webhooks/1',
          'content-length': Buffer.byteLength(message.body),
          ...signedHeaders(target.secret, message.messageId, at, message.body),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        answered = status;
        const chunks: Buffer[] = [];
        let read = 0;
        const finish = () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) resolve(done(status, null));
          else if (status >= 300 && status < 400) resolve(done(status, `redirect to ${res.headers.location ?? '(no location)'} not followed`));
          else resolve(done(status, `HTTP ${status}${text ? `: ${text}` : ''}`));
        };
        res.on('data', (chunk: Buffer) => {
          if (read < opts.maxResponseBytes) chunks.push(chunk.subarray(0, opts.maxResponseBytes - read));
          read += chunk.length;
          if (read >= opts.maxResponseBytes) {
            res.destroy(); // enough: the rest is never read
            finish();
          }
        });
        res.on('end', finish);
        // Cut off before its end, a 2xx is no acknowledgement (the receiver may have failed after its head); another status keeps its body's start.
        res.on('error', (error) => (status >= 200 && status < 300 ? failed(error) : finish()));
      },
    );
    req.on('error', failed);
    req.end(message.body);
  });
}
