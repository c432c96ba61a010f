import type { ProtocolEffect } from '../../protocols/effects.ts'
import { encodeStored } from '../../runtime/codec/storedValue.ts'
import type { ActorToolkit } from './toolkit.ts'

/** Carries out one effect a protocol emitted, through the actor's services. */
export const performEffect = (tk: ActorToolkit, effect: ProtocolEffect): void => {
  switch (effect.type) {
    case 'send':
      return tk.transport.send(effect.to, effect.kind, effect.body)
    case 'publish':
      return tk.transport.publish(effect.topic, effect.kind, effect.body)
    case 'sendAny':
      return tk.transport.sendAny(effect.role, effect.kind, effect.body)
    case 'setTimer':
      return tk.timers.set(effect.name, effect.after, effect.data)
    case 'cancelTimer':
      return tk.timers.cancel(effect.name)
    case 'persist':
      tk.store.put(effect.key, encodeStored(effect.value))
      if (effect.sync === true) tk.store.sync()
      return
    case 'log':
      return tk.log.log(effect.level, effect.message, effect.fields)
    case 'count':
      return tk.metrics.count(effect.metric, effect.by)
    case 'gauge':
      return tk.metrics.gauge(effect.metric, effect.value)
    case 'observe':
      return tk.metrics.observe(effect.metric, effect.value)
    case 'report':
      return tk.reports.report(effect.event, effect.data)
  }
}
