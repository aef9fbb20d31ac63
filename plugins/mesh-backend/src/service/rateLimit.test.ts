import { SlidingWindowLimiter } from './rateLimit';

describe('SlidingWindowLimiter', () => {
  it('lets `requests` through per period and key, then says how long to wait', () => {
    const limiter = new SlidingWindowLimiter(3, 60_000);
    expect(limiter.take('user:a', 0)).toEqual({ ok: true });
    expect(limiter.take('user:a', 10_000)).toEqual({ ok: true });
    expect(limiter.take('user:a', 20_000)).toEqual({ ok: true });
    expect(limiter.take('user:a', 30_000)).toEqual({
      ok: false,
      retryAfterMs: 30_000,
    });
    // Another key has its own budget.
    expect(limiter.take('user:b', 30_000)).toEqual({ ok: true });
    // The first hit leaves the window after a minute.
    expect(limiter.take('user:a', 60_001)).toEqual({ ok: true });
    expect(limiter.take('user:a', 60_002)).toEqual({
      ok: false,
      retryAfterMs: 9_998,
    });
  });
});
