import { readFileSync } from 'node:fs'
import { Effect } from 'effect'
import { describe, expect, test } from 'vitest'
import { parse, stringify } from 'yaml'
import { verifyTxSignature } from '../../../src/actors/validator/txVerifier.ts'
import { validatorActor } from '../../../src/actors/validator/validatorActor.ts'
import { composeApps, type Application } from '../../../src/protocols/chain/index.ts'
import { kvApp } from '../../../src/protocols/kvstore/index.ts'
import { createStakingApp } from '../../../src/protocols/staking/index.ts'
import type { SignedVote } from '../../../src/protocols/tendermint/index.ts'
import type { ActorDef } from '../../../src/runtime/actor.ts'
import { Transport } from '../../../src/runtime/services.ts'
import { runYaml } from '../../support/scenarioRun.ts'
import { agreedHeight, runValidators, validatorNames, validatorParams } from './validatorSim.ts'

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const bytes = (s: string) => new TextEncoder().encode(s)
const SECOND = 1_000_000
const ENABLE_HEIGHT = 3

/** What one proposer's PrepareProposal saw of the previous height's commit (ABCI local_last_commit). */
interface Sighting {
  readonly proposer: string
  readonly height: number
  readonly votes: readonly { readonly name: string; readonly signed: boolean; readonly extension: string }[]
}

/**
 * A test application (state: the validators' names by public key, from genesis) that
 * extends each precommit with "<its validator>@<height>" — or what `extendAs` says — and
 * accepts only an extension naming a genesis validator at the height voted on. Its
 * PrepareProposal writes down what it saw, for the test to read.
 */
const extensionApp = (self: string, sightings: Sighting[], extendAs = (height: number) => `${self}@${height}`): Application<Readonly<Record<string, string>>> => ({
  name: 'ext',
  init: (genesis) => Object.fromEntries(genesis.validators.map((v) => [v.pubKey, v.name])),
  checkTx: (_names, tx) => ({ code: 1, log: `ext has no ${tx.type}` }),
  prepareProposal: (names, _txs, info) => {
    const votes = info.localLastCommit!.votes.map((v) => ({ name: names[v.pubKey]!, signed: v.signed, extension: text(v.extension) }))
    sightings.push({ proposer: self, height: info.height, votes })
    return []
  },
  processProposal: () => true,
  extendVote: (_names, height) => bytes(extendAs(height)),
  verifyVoteExtension: (names, height, _blockId, extension) => {
    const [name, at] = text(extension).split('@')
    return Object.values(names).includes(name!) && Number(at) === height
  },
  finalizeBlock: (names) => ({ state: names, txResults: [], validatorUpdates: [], events: [] }),
  appHash: () => 'ext',
})

const chainApp = (self: string, sightings: Sighting[], extendAs?: (height: number) => string) =>
  composeApps([kvApp, createStakingApp(verifyTxSignature), extensionApp(self, sightings, extendAs)])

/** A validator whose precommits leave with an extension signature that is not its validator's. */
const forgingExtensionSignatures = (def: ActorDef): ActorDef => ({
  ...def,
  start: Effect.updateService(def.start, Transport, (transport) => ({
    ...transport,
    publish: (topic: string, kind: string, body: unknown) => {
      const vote = body as SignedVote
      const forged = kind === 'tendermint.vote' && vote.extensionSig !== undefined ? { ...vote, extensionSig: vote.extensionSig.map((b) => b ^ 1) } : body
      transport.publish(topic, kind, forged)
    },
  })),
})

const params = validatorParams({ voteExtensionsEnableHeight: ENABLE_HEIGHT })

const run = (byzantine?: (def: ActorDef, sightings: Sighting[]) => ActorDef) => {
  const sightings: Sighting[] = []
  const defs = validatorNames(4).map((name) => validatorActor(params, chainApp(name, sightings)))
  if (byzantine !== undefined) defs[3] = byzantine(defs[3]!, sightings)
  return { sightings, ...runValidators(defs, { duration: 20 * SECOND }) }
}

describe('vote extensions between four validators', () => {
  test('the proposer of H+1 sees the extensions of H from the height they are enabled, and only from it', () => {
    const { sightings, commits, counter } = run()
    expect(agreedHeight(commits)).toBeGreaterThanOrEqual(10)
    const first = sightings.find((s) => s.height === 1)!
    expect(first.votes).toEqual([])
    for (const sighting of sightings.filter((s) => s.height > 1)) {
      const signed = sighting.votes.filter((v) => v.signed)
      expect(signed.length, `height ${sighting.height}`).toBeGreaterThanOrEqual(3)
      for (const vote of sighting.votes) {
        // Each extension names the validator that made it and the height it precommitted.
        const expected = vote.signed && sighting.height - 1 >= ENABLE_HEIGHT ? `${vote.name}@${sighting.height - 1}` : ''
        expect(vote.extension, `${sighting.proposer} at ${sighting.height}: ${vote.name}`).toBe(expected)
      }
    }
    expect(sightings.filter((s) => s.height > ENABLE_HEIGHT + 1).length).toBeGreaterThanOrEqual(5)
    for (const name of validatorNames(4)) expect(counter(name, 'validator.invalid-vote-extensions')).toBe(0)
  })

  test.each([
    ['an extension the application rejects', (_def: ActorDef, sightings: Sighting[]) => validatorActor(params, chainApp('validator-3', sightings, (h) => `validator-3@${h + 7}`))],
    ['an extension signature that does not verify', (def: ActorDef) => forgingExtensionSignatures(def)],
  ])('a precommit with %s is not counted, and the chain still commits without it', (_what, byzantine) => {
    const { sightings, commits, counter } = run(byzantine)
    expect(agreedHeight(commits)).toBeGreaterThanOrEqual(10)
    const honest = validatorNames(3)
    const extended = sightings.filter((s) => honest.includes(s.proposer) && s.height - 1 >= ENABLE_HEIGHT)
    expect(extended.length).toBeGreaterThanOrEqual(5)
    for (const sighting of extended) {
      // Never in a commit, validator-3 is soon jailed for downtime by the staking application and leaves the set.
      expect(sighting.votes.some((v) => v.name === 'validator-3' && v.signed), `height ${sighting.height}`).toBe(false)
      expect(sighting.votes.filter((v) => v.signed).map((v) => v.extension).sort()).toEqual(honest.map((name) => `${name}@${sighting.height - 1}`))
    }
    for (const name of honest) expect(counter(name, 'validator.invalid-vote-extensions')).toBeGreaterThan(0)
  })
})

describe('vote extensions in the example scenarios', () => {
  /** An example scenario with extensions on from height 2. */
  const withExtensions = (file: string): string => {
    const scenario = parse(readFileSync(new URL(`../../../scenarios/${file}`, import.meta.url), 'utf8'))
    scenario.roles.validator.params.voteExtensionsEnableHeight = 2
    return stringify(scenario)
  }

  // Crash-restart: the guard, restarts and block sync of extended commits; equivocation: evidence and slashing.
  test.each([
    ['validators-crash-restart.yaml', 'syncedBlocks'],
    ['validators-equivocation.yaml', 'slashes'],
  ])('%s passes its checks with extensions on', (file, figure) => {
    const { report } = runYaml(withExtensions(file))
    for (const c of report.checks) expect(c.passed, `${c.type}: ${c.summary}`).toBe(true)
    expect(report.roles.find((r) => r.role === 'validator')!.figures[figure]!.max).toBeGreaterThan(0)
  })

  test('a run with extensions on is deterministic', () => {
    const yaml = withExtensions('validators-equivocation.yaml')
    expect(runYaml(yaml).hash).toBe(runYaml(yaml).hash)
  })
})
