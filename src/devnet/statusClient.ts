import { NoRespondersError, type NatsConnection } from '@nats-io/transport-node'
import type { NodeStatus } from '../runtime/process/nodeStatus.ts'
import { subjectsOf } from '../runtime/process/subjects.ts'

/** A node's answer, or why there is none. */
export type StatusAnswer = { readonly ok: true; readonly status: NodeStatus } | { readonly ok: false; readonly problem: string }

/** Asks one node for its status (`strata.<net>.status.<id>`). */
export const askStatus = async (nc: NatsConnection, network: string, id: string, timeoutMs: number): Promise<StatusAnswer> => {
  try {
    const reply = await nc.request(subjectsOf(network).status(id), undefined, { timeout: timeoutMs })
    return { ok: true, status: reply.json<NodeStatus>() }
  } catch (error) {
    if (error instanceof NoRespondersError) return { ok: false, problem: 'not connected to NATS' }
    return { ok: false, problem: `no answer in ${timeoutMs} ms` }
  }
}

/** Asks every node at once. */
export const askAll = async (nc: NatsConnection, network: string, ids: readonly string[], timeoutMs: number): Promise<Map<string, StatusAnswer>> => {
  const answers = await Promise.all(ids.map(async (id) => [id, await askStatus(nc, network, id, timeoutMs)] as const))
  return new Map(answers)
}
