import { describe, expect, it } from 'vitest';
import { type ToolApproval, toolApproval } from '../../src/domain/tools/tool-approval.js';

const KNOWN = new Set(['read_file', 'write_file']);

/** [never_allow has it, always_allow has it, run_without_asking, tool known when it was set, expected] */
const TABLE: [boolean, boolean, boolean, boolean, ToolApproval][] = [
  [false, false, false, true, 'ask'],
  [false, false, true, true, 'run'],
  [false, false, true, false, 'ask'], // a tool the server added after run_without_asking was set
  [false, true, false, true, 'run'],
  [false, true, true, false, 'run'],
  [true, false, false, true, 'never'],
  [true, false, true, true, 'never'], // run_without_asking never overrides never_allow
  [true, true, false, true, 'never'], // nor does always_allow
  [true, true, true, true, 'never'],
];

describe('toolApproval: never_allow > always_allow > run_without_asking > ask', () => {
  it.each(TABLE)(
    'never=%s always=%s run_without_asking=%s known=%s → %s',
    (never, always, runWithoutAsking, known, expected) => {
      const tool = known ? 'write_file' : 'delete_everything';
      expect(
        toolApproval({
          server: {
            neverAllow: never ? [tool] : [],
            alwaysAllow: always ? [tool] : [],
            runWithoutAsking,
          },
          tool,
          toolsWhenRunWithoutAsking: KNOWN,
        }),
      ).toBe(expected);
    },
  );

  it('run_without_asking runs nothing while the tools it covers are not known yet', () => {
    expect(
      toolApproval({
        server: { neverAllow: [], alwaysAllow: [], runWithoutAsking: true },
        tool: 'read_file',
        toolsWhenRunWithoutAsking: undefined,
      }),
    ).toBe('ask');
  });
});
