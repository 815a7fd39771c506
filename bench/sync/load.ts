import autocannon from 'autocannon';

/** One autocannon run of sync requests against a running server. */
export interface LoadOptions {
  url: string;
  path: string;
  /** Bearer tokens of registered devices, used in turn, so no one device meets its rate limit. */
  tokens: readonly string[];
  nextBody: () => Buffer;
  eventsPerBody: number;
  connections: number;
  seconds: number;
  /** Requests a second over all connections; absent: as fast as the server answers. */
  overallRate?: number;
}

export interface LoadResult {
  connections: number;
  overallRate: number | null;
  seconds: number;
  requests: number;
  /** Events in requests answered 2xx, per second of the run. */
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, connection errors and timeouts: any of them makes the run suspect. */
  failures: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let turn = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    overallRate: options.overallRate,
    requests: [{
      method: 'POST',
      path: options.path,
      setupRequest: (request) => ({
        ...request,
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          authorization: `Bearer ${options.tokens[turn++ % options.tokens.length]}`,
        },
        body: options.nextBody(),
      }),
    }],
  });
  return {
    connections: options.connections,
    overallRate: options.overallRate ?? null,
    seconds: result.duration,
    requests: result['2xx'],
    eventsPerSecond: (result['2xx'] * options.eventsPerBody) / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
