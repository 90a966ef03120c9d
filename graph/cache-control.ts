import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';

/**
 * Every GraphQL response is private and current: `cache-control: no-store`. Apollo's cache-control plugin
 * would say the same, since the schema sets no cache hints, but it hooks every field of every response to
 * collect them (a list page resolves hundreds of fields); these plugins send the header without the hook.
 */
export const noStoreResponses: ApolloServerPlugin[] = [
  ApolloServerPluginCacheControlDisabled(),
  {
    requestDidStart: async () => ({
      willSendResponse: async ({ response }) => {
        response.http.headers.set('cache-control', 'no-store');
      },
    }),
  },
];
