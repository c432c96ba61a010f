import { Schema } from 'effect'
import { echoClient } from '../actors/client/echoClient.ts'
import { txClient } from '../actors/client/txClient.ts'
import { Duration } from '../shared/paramSchemas.ts'
import { defineWorkload, type WorkloadDefinition } from './definitions.ts'

export const echoWorkload = defineWorkload({
  type: 'echo',
  describe: 'clients that send echo requests to any live actor of a role at a fixed rate',
  params: Schema.Struct({
    rate: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 10 }),
    timeout: Schema.optionalWith(Duration, { default: () => 1_000_000 }),
    target: Schema.optionalWith(Schema.String, { default: () => 'member' }),
    clients: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 1 }),
  }),
  nodes: (params, index) =>
    Array.from({ length: params.clients }, (_, i) => {
      const id = index === 0 ? `client-${i}` : `client-${index}-${i}`
      return { id, role: 'client', params: {}, actors: [{ id, def: echoClient(params) }] }
    }),
})

export const txLoadWorkload = defineWorkload({
  type: 'tx-load',
  describe: 'clients that write key-value transactions to any live validator at a fixed rate',
  params: Schema.Struct({
    rate: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 100 }),
    keys: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 1000 }),
    valueBytes: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 65536)), { default: () => 32 }),
    clients: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 1 }),
  }),
  nodes: (params, index) =>
    Array.from({ length: params.clients }, (_, i) => {
      const id = index === 0 ? `txclient-${i}` : `txclient-${index}-${i}`
      return { id, role: 'client', params: {}, actors: [{ id, def: txClient(params) }] }
    }),
})

export const workloads: Readonly<Record<string, WorkloadDefinition>> = { echo: echoWorkload, 'tx-load': txLoadWorkload }
