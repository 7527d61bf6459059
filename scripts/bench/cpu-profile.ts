// What a V8 CPU profile (.cpuprofile, as `node --cpu-prof` or the inspector writes it) says
// about an app's time: the functions with the most self time, and the longest stretches the
// main thread ran without going idle, with what they spent it on. A stretch of 30 ms is a
// request that waited 30 ms: the p99's stalls.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** µs since the previous sample, one per sample. */
  timeDeltas: number[];
}

export interface FrameTime {
  /** `name (file:line)`, the file relative to node_modules or the repository. */
  frame: string;
  ms: number;
  /** Share of the time the thread was not idle. */
  share: number;
}

export interface BusyStretch {
  ms: number;
  /** The frames with the most self time within it. */
  top: FrameTime[];
}

// V8's pseudo-frame for a thread with nothing to run ('(program)' is native code: counted).
const IDLE = new Set(['(idle)']);

export function summarizeProfile(profile: CpuProfile, { frames = 10, stretches = 3 } = {}): { busyMs: number; top: FrameTime[]; longest: BusyStretch[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const idle = (id: number) => IDLE.has(byId.get(id)!.callFrame.functionName);
  // A sample's time is the delta to the next one.
  const durations = profile.timeDeltas.slice(1).concat(0).map((us) => us / 1000);
  const top = (from: number, to: number, count: number): FrameTime[] => {
    const self = new Map<string, number>();
    let busy = 0;
    for (let i = from; i < to; i++) {
      if (idle(profile.samples[i])) continue;
      const key = frameName(byId.get(profile.samples[i])!);
      self.set(key, (self.get(key) ?? 0) + durations[i]);
      busy += durations[i];
    }
    return [...self].sort((a, b) => b[1] - a[1]).slice(0, count).map(([frame, ms]) => ({ frame, ms, share: busy ? ms / busy : 0 }));
  };

  const runs: { from: number; to: number; ms: number }[] = [];
  let busyMs = 0;
  for (let i = 0; i < profile.samples.length;) {
    if (idle(profile.samples[i])) {
      i++;
      continue;
    }
    let ms = 0;
    const from = i;
    for (; i < profile.samples.length && !idle(profile.samples[i]); i++) ms += durations[i];
    busyMs += ms;
    runs.push({ from, to: i, ms });
  }
  const longest = runs.sort((a, b) => b.ms - a.ms).slice(0, stretches).map((run) => ({ ms: run.ms, top: top(run.from, run.to, 3) }));
  return { busyMs, top: top(0, profile.samples.length, frames), longest };
}

function frameName({ callFrame: { functionName, url, lineNumber } }: ProfileNode): string {
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(apps|shared)\//, '$1/');
  return file ? `${functionName || '(anonymous)'} (${file}:${lineNumber + 1})` : functionName || '(anonymous)';
}
