import type { ActorDef } from '../../src/runtime/actor.ts'
import { KindRegistry } from '../../src/runtime/kinds.ts'
import { Simulation, type SimObserver } from '../../src/runtime/sim/simulation.ts'
import type { SimNodeSpec } from '../../src/runtime/sim/simNode.ts'
import { defaultSupervisorSpec, type SupervisorSpec } from '../../src/runtime/supervisor.ts'
import { TraceRecorder } from '../../src/runtime/trace/recorder.ts'
import type { FaultStep, NetworkModel } from '../../src/scenario/types.ts'

/** A quiet LAN: 1 ms constant latency, no loss, nothing odd. Tests override what they study. */
export const networkModel = (overrides: Partial<NetworkModel> = {}): NetworkModel => ({
  latency: { dist: 'constant', value: 1_000 },
  loss: 0,
  duplicate: 0,
  reorder: { probability: 0, delay: 0 },
  bandwidth: 125_000_000,
  links: [],
  mailbox: { capacity: 1024, overflow: 'drop-newest' },
  maxMessageBytes: 16 * 1024 * 1024,
  ...overrides,
})

export const nodeOf = (id: string, def: ActorDef, supervisor: SupervisorSpec = defaultSupervisorSpec, extra: ActorDef[] = []): SimNodeSpec => ({
  id,
  role: def.role,
  params: {},
  actors: [{ id, def }, ...extra.map((d, i) => ({ id: `${id}/${i + 1}`, def: d }))],
  supervisor,
})

export interface SimulateOptions {
  readonly nodes: readonly SimNodeSpec[]
  readonly duration: number
  readonly network?: NetworkModel
  readonly faults?: readonly FaultStep[]
  readonly seed?: number
  readonly observers?: readonly SimObserver[]
}

/** Builds and runs a simulation of hand-made nodes, keeping every trace event. */
export const simulate = (options: SimulateOptions) => {
  const registry = new KindRegistry()
  for (const node of options.nodes) for (const a of node.actors) registry.register(a.def.kinds)
  const recorder = new TraceRecorder({ keepEvents: true })
  const sim = new Simulation({
    seed: options.seed ?? 1,
    duration: options.duration,
    network: options.network ?? networkModel(),
    nodes: options.nodes,
    faults: options.faults ?? [],
    registry,
    trace: recorder,
    observers: options.observers ?? [],
    logLevel: 'debug',
    keepLogs: 10_000,
  })
  sim.run()
  return { sim, recorder }
}

let line = 1
/** A fault step as the scenario loader would produce it. */
export const fault = (at: number, action: FaultStep['action'], forDuration?: number): FaultStep =>
  forDuration === undefined ? { at, action, line: line++ } : { at, action, line: line++, for: forDuration }
