import { backoffMs, DEFAULT_RETRY, sleep } from '../http';
import { PrometheusClient } from './PrometheusClient';

const OK = JSON.stringify({
  status: 'success',
  data: {
    resultType: 'vector',
    result: [{ metric: { a: 'b' }, value: [1, '2'] }],
  },
});

type Step = number | 'refused' | 'hang';

/** A fetch that answers each call with the next step: a status, a refused connection or no answer. */
function scripted(steps: Step[]) {
  const calls: number[] = [];
  const fetchFn = (async (_url: string, init: RequestInit) => {
    calls.push(Date.now());
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    if (step === 'refused') {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: { code: 'ECONNREFUSED' },
      });
    }
    if (step === 'hang') {
      return new Promise((_resolve, reject) =>
        init.signal!.addEventListener('abort', () =>
          reject(init.signal!.reason),
        ),
      );
    }
    return new Response(step === 200 ? OK : `upstream says ${step}`, {
      status: step,
    });
  }) as unknown as typeof fetch;
  return { fetchFn, calls };
}

const client = (fetchFn: typeof fetch, retries = 2) =>
  new PrometheusClient({
    url: 'http://prom:9090',
    fetchFn,
    timeoutMs: 200,
    retry: { retries, baseDelayMs: 10, maxDelayMs: 40 },
    random: () => 1,
  });

describe('PrometheusClient retries', () => {
  it.each<[string, Step[], number]>([
    ['a refused connection', ['refused', 200], 2],
    ['a 503', [503, 200], 2],
    ['a 502 then a 504', [502, 504, 200], 3],
  ])('tries again after %s, and answers', async (_what, steps, calls) => {
    const s = scripted(steps);
    const result = await client(s.fetchFn).instantQuery('up');
    expect(result.samples).toEqual([{ labels: { a: 'b' }, value: 2 }]);
    expect(s.calls).toHaveLength(calls);
  });

  it.each<[string, Step[]]>([
    ['a 400', [400, 200]],
    ['a 500', [500, 200]],
    ['a timeout, which already spent its time', ['hang', 200]],
  ])('does not retry %s', async (_what, steps) => {
    const s = scripted(steps);
    await expect(client(s.fetchFn).instantQuery('up')).rejects.toThrow();
    expect(s.calls).toHaveLength(1);
  });

  it('gives up after the retries, with the last error', async () => {
    const s = scripted([503]);
    await expect(client(s.fetchFn, 2).instantQuery('up')).rejects.toThrow(
      'answered HTTP 503 with a body that is not JSON: upstream says 503',
    );
    expect(s.calls).toHaveLength(3);
    // Backoff doubles up to its bound: 10 ms, then 20 ms (with the jitter at its top).
    expect(s.calls[1] - s.calls[0]).toBeGreaterThanOrEqual(9);
    expect(s.calls[2] - s.calls[1]).toBeGreaterThanOrEqual(19);
  });

  it('stops waiting to retry as soon as the caller gives up', async () => {
    const s = scripted(['refused']);
    const controller = new AbortController();
    const slow = new PrometheusClient({
      url: 'http://prom:9090',
      fetchFn: s.fetchFn,
      retry: { retries: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
      random: () => 1,
    });
    const started = Date.now();
    const query = slow.instantQuery('up', undefined, controller.signal);
    setTimeout(() => controller.abort(new Error('run deadline passed')), 50);
    await expect(query).rejects.toThrow('run deadline passed');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(s.calls).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('grows exponentially up to its bound, with full jitter', () => {
    const top = () => 0.999999;
    expect(backoffMs(1, DEFAULT_RETRY, top)).toBe(199);
    expect(backoffMs(2, DEFAULT_RETRY, top)).toBe(399);
    expect(backoffMs(5, DEFAULT_RETRY, top)).toBe(1999);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });

  it('sleeps, or rejects at once when aborted', async () => {
    await expect(sleep(5)).resolves.toBeUndefined();
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(sleep(10_000, controller.signal)).rejects.toThrow('gone');
  });
});
