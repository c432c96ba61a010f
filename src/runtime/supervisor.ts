import type { RandomService } from './services.ts'
import type { Micros } from './time.ts'

/**
 * Supervision as in OTP: a supervisor restarts failed children by its strategy, with
 * exponential backoff (jitter drawn from the seeded random source, so restarts are
 * reproducible), and gives up — escalates — when restarts exceed an intensity limit.
 * It knows nothing of how time passes: a scheduler is handed in (the simulator's event
 * queue, or the wall clock in process mode).
 */
export type RestartStrategy = 'one-for-one' | 'one-for-all'

export interface SupervisorSpec {
  readonly strategy: RestartStrategy
  /** More than `maxRestarts` restarts within `within` escalates. */
  readonly maxRestarts: number
  readonly within: Micros
  readonly backoff: {
    readonly initial: Micros
    readonly max: Micros
    readonly factor: number
    /** 0.2 ⇒ each delay is scaled by a factor drawn uniformly from [0.8, 1.2]. */
    readonly jitter: number
  }
}

export const defaultSupervisorSpec: SupervisorSpec = {
  strategy: 'one-for-one',
  maxRestarts: 5,
  within: 10_000_000,
  backoff: { initial: 100_000, max: 5_000_000, factor: 2, jitter: 0.2 },
}

export interface SupervisedChild {
  readonly id: string
  /** Starts (or restarts) the child. Throwing counts as a failure of this child. */
  start(): void
  /** Stops the child without running clean-up (its siblings failed, or we escalate). */
  halt(): void
}

export interface SupervisorScheduler {
  now(): Micros
  /** Runs `fire` after `delay`; the simulator records it as a trace event named `label`. */
  after(delay: Micros, label: string, fire: () => void): void
}

export interface SupervisorEvents {
  restarting(childIds: readonly string[], delay: Micros, reason: unknown): void
  escalated(reason: unknown): void
}

export class Supervisor {
  private restartTimes: Micros[] = []
  /** Consecutive restarts inside the window: the exponent of the backoff. */
  private streak = 0
  private generation = 0
  private escalated = false

  constructor(
    private readonly spec: SupervisorSpec,
    private readonly children: readonly SupervisedChild[],
    private readonly scheduler: SupervisorScheduler,
    private readonly random: RandomService,
    private readonly events: SupervisorEvents,
  ) {}

  get hasEscalated(): boolean {
    return this.escalated
  }

  /** Starts every child in order; a child failing at start is handled like any failure. */
  start(): void {
    this.escalated = false
    this.restartTimes = []
    this.streak = 0
    this.generation++
    for (const child of this.children) this.startChild(child)
  }

  /** Stops everything and forgets pending restarts (a node crash, or shutdown). */
  halt(): void {
    this.generation++
    for (const child of this.children) child.halt()
  }

  childFailed(childId: string, reason: unknown): void {
    if (this.escalated) return
    const failed = this.children.find((c) => c.id === childId)
    if (failed === undefined) return
    const now = this.scheduler.now()
    this.restartTimes = this.restartTimes.filter((t) => now - t < this.spec.within)
    if (this.restartTimes.length >= this.spec.maxRestarts) {
      this.escalated = true
      this.halt()
      this.events.escalated(reason)
      return
    }
    this.streak = this.restartTimes.length === 0 ? 1 : this.streak + 1
    this.restartTimes.push(now)
    const affected = this.spec.strategy === 'one-for-all' ? this.children : [failed]
    for (const child of affected) if (child !== failed) child.halt()
    failed.halt()
    const delay = this.backoffDelay()
    const generation = this.generation
    this.events.restarting(
      affected.map((c) => c.id),
      delay,
      reason,
    )
    this.scheduler.after(delay, 'supervisor.restart', () => {
      if (generation !== this.generation || this.escalated) return
      for (const child of affected) this.startChild(child)
    })
  }

  private startChild(child: SupervisedChild): void {
    try {
      child.start()
    } catch (reason) {
      this.childFailed(child.id, reason)
    }
  }

  private backoffDelay(): Micros {
    const { initial, max, factor, jitter } = this.spec.backoff
    const base = Math.min(max, initial * factor ** (this.streak - 1))
    const scale = 1 + jitter * (2 * this.random.next() - 1)
    return Math.max(0, Math.round(base * scale))
  }
}
