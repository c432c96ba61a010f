import { KEPT_SLASH_NOTICES, STAKING_EVENTS_TOPIC, type SlashNotice, type SlashNotices } from '../../protocols/staking/index.ts'
import type { Envelope } from '../../runtime/envelope.ts'
import type { ActorToolkit } from '../common/toolkit.ts'

type AppEvents = readonly { readonly event: string; readonly data: unknown }[]

/**
 * The validator's side of slash notices (src/protocols/staking/slashNotice.ts): it
 * publishes one for every slash a block it commits carries out, keeps the latest, and
 * hands them to a stake aggregator that asks — one that was down or cut off when they
 * went out. Blocks replayed at a restart fill the kept notices again.
 */
export class SlashNoticeKeeper {
  private kept: SlashNotice[] = []

  constructor(private readonly tk: ActorToolkit) {}

  /** The slashes the block committed at `height` carried out (among its application `events`): kept and published. */
  committed(height: number, events: AppEvents): void {
    for (const notice of this.keep(height, events)) this.tk.transport.publish(STAKING_EVENTS_TOPIC, 'staking.slashed', notice)
  }

  /** The same for a stored block replayed at a restart: kept only, since its notices went out when it was committed. */
  replayed(height: number, events: AppEvents): void {
    this.keep(height, events)
  }

  /** Answers a `staking.get-slash-notices`. */
  serve(request: Envelope): void {
    const reply: SlashNotices = { notices: this.kept }
    this.tk.transport.reply(request, 'staking.slash-notices', reply)
  }

  private keep(height: number, events: AppEvents): SlashNotice[] {
    const notices = events
      .filter((e) => e.event === 'staking.slashed')
      .map((e): SlashNotice => {
        const data = e.data as { pubKey: string; reason: string; fraction: bigint }
        return { height, pubKey: data.pubKey, reason: data.reason, fractionPpm: String(data.fraction) }
      })
    if (notices.length > 0) this.kept = [...this.kept, ...notices].slice(-KEPT_SLASH_NOTICES)
    return notices
  }
}
