import { ConflictError, NotFoundError } from '@backstage/errors';
import { ClusterRunState } from '../store/ClusterRunStore';
import { collectTaskId, TriggeredRefresh } from './triggeredRefresh';

/** Run counters that a fake collecting replica moves on once triggered. */
function fakeReplica(options: {
  trigger?: Error;
  /** How a run triggered (or joined) ends; undefined: it never finishes. */
  outcome?: { ok: boolean; error?: string };
  /** Polls before the run finishes. */
  after?: number;
}) {
  const state: ClusterRunState = {
    cluster: 'eu',
    startedRuns: 3,
    finishedRuns: 3,
  };
  let polls = 0;
  let pending = false;
  const triggered: string[] = [];
  return {
    triggered,
    scheduler: {
      triggerTask: async (id: string) => {
        triggered.push(id);
        pending = true;
        if (options.trigger) throw options.trigger;
      },
    },
    runs: {
      get: async (): Promise<ClusterRunState> => {
        if (pending && options.outcome && polls++ >= (options.after ?? 0)) {
          pending = false;
          return {
            ...state,
            finishedRuns: ++state.finishedRuns,
            ...options.outcome,
          };
        }
        return { ...state };
      },
    },
  };
}

describe('TriggeredRefresh', () => {
  it.each([
    {
      name: 'a triggered run that succeeds',
      replica: { outcome: { ok: true }, after: 2 },
      expected: { name: 'eu', ok: true },
    },
    {
      name: 'a triggered run whose source failed',
      replica: { outcome: { ok: false, error: 'prometheus: 503' } },
      expected: { name: 'eu', ok: false, error: 'prometheus: 503' },
    },
    {
      name: 'a run in flight is joined, not queued again',
      replica: {
        trigger: new ConflictError('Task mesh-collect:eu is currently running'),
        outcome: { ok: true },
      },
      expected: { name: 'eu', ok: true },
    },
    {
      name: 'no replica ever scheduled the task',
      replica: { trigger: new NotFoundError('Task does not exist') },
      expected: {
        name: 'eu',
        ok: false,
        error: expect.stringMatching(
          /no replica collects cluster 'eu'.*mesh\.collector\.enabled: true/,
        ),
      },
    },
    {
      name: 'the database refused the trigger',
      replica: { trigger: new Error('connection refused') },
      expected: {
        name: 'eu',
        ok: false,
        error: expect.stringMatching(
          /could not trigger the collection of cluster 'eu'.*connection refused/,
        ),
      },
    },
    {
      name: 'nobody finishes the run in time',
      replica: {},
      expected: {
        name: 'eu',
        ok: false,
        error: expect.stringMatching(
          /no collecting replica finished a run of cluster 'eu' within 0s; the stored reports stay/,
        ),
      },
    },
  ])('$name', async ({ replica, expected }) => {
    const fake = fakeReplica(replica);
    const refresh = new TriggeredRefresh({
      scheduler: fake.scheduler,
      runs: fake.runs,
      waitMs: 100,
      pollMs: 5,
    });
    await expect(refresh.refresh(['eu'])).resolves.toEqual({
      clusters: [expected],
    });
    expect(fake.triggered).toEqual([collectTaskId('eu')]);
  });

  it('does not take a run that finished before it asked as its answer', async () => {
    const fake = fakeReplica({});
    const refresh = new TriggeredRefresh({
      scheduler: fake.scheduler,
      runs: fake.runs,
      waitMs: 50,
      pollMs: 5,
    });
    // finishedRuns stays at 3, the count before the trigger: no answer but the timeout.
    const answer = await refresh.refresh(['eu']);
    expect(answer.clusters[0].ok).toBe(false);
  });
});
