import { runInSlices, runToEnd, TimeSlices } from './timeSlices';

describe('TimeSlices', () => {
  it('is due once its budget of synchronous work is spent, and not before', async () => {
    const slices = new TimeSlices(20);
    expect(slices.due()).toBe(false);
    const until = performance.now() + 25;
    while (performance.now() < until); // synchronous work past the budget
    expect(slices.due()).toBe(true);
    await slices.next();
    expect(slices.due()).toBe(false);
  });

  it('lets a waiting timer run between slices of a long loop', async () => {
    const slices = new TimeSlices(2);
    const order: string[] = [];
    setTimeout(() => order.push('timer'), 0);
    const until = performance.now() + 40;
    // 40 ms of work in one loop: the timer can run only at a pause.
    while (performance.now() < until) await slices.pause();
    order.push('loop done');
    expect(order).toEqual(['timer', 'loop done']);
  });

  it('does not yield while the slice lasts', async () => {
    const slices = new TimeSlices(60_000);
    let ticked = false;
    setImmediate(() => {
      ticked = true;
    });
    for (let i = 0; i < 100; i++) await slices.pause();
    expect(ticked).toBe(false);
  });
});

describe('TimeSlices across loops', () => {
  it('gives one slice per turn of the event loop, whichever loop takes it', async () => {
    // A probe counts turns; each loop notes the turn it resumed in.
    let turn = 0;
    let probing = true;
    const probe = () => {
      turn += 1;
      if (probing) setImmediate(probe);
    };
    setImmediate(probe);
    const resumedIn: number[] = [];
    const loop = async () => {
      const slices = new TimeSlices(1);
      for (let i = 0; i < 10; i++) {
        const until = performance.now() + 2; // past the budget: a pause each time
        while (performance.now() < until);
        await slices.pause();
        resumedIn.push(turn);
      }
    };
    await Promise.all([loop(), loop(), loop(), loop()]);
    probing = false;
    expect(resumedIn).toHaveLength(40);
    // Four loops at once, yet never two resumed in the same turn.
    expect(new Set(resumedIn).size).toBe(resumedIn.length);
  });
});

describe('stepwise computations', () => {
  function* countTo(n: number): Generator<void, number> {
    let sum = 0;
    for (let i = 1; i <= n; i++) {
      sum += i;
      yield;
    }
    return sum;
  }

  it('runToEnd and runInSlices give the same answer', async () => {
    expect(runToEnd(countTo(100))).toBe(5050);
    await expect(runInSlices(countTo(100))).resolves.toBe(5050);
  });

  it('runInSlices lets the event loop in when a slice is used up', async () => {
    let ticked = false;
    setImmediate(() => {
      ticked = true;
    });
    function* slow(): Generator<void, boolean> {
      const until = performance.now() + 20;
      while (performance.now() < until) yield;
      return ticked;
    }
    await expect(runInSlices(slow(), new TimeSlices(2))).resolves.toBe(true);
  });
});
