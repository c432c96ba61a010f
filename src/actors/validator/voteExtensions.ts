import {
  extendedCommitInfo,
  voteExtensionProblem,
  type Commit,
  type ComposedState,
  type ExtendedCommitInfo,
  type ExtensionChecks,
  type VerifyExtension,
} from '../../protocols/chain/index.ts'
import { extensionsEnabled, extensionWanted, voteExtensionSignDocument, type SignedVote } from '../../protocols/tendermint/index.ts'
import { encodeCanonical } from '../../runtime/codec/cbor.ts'
import { verifySignatureMemoized } from '../../runtime/crypto/verificationMemo.ts'
import type { ChainState } from './chainState.ts'
import type { ValidatorIdentities } from './identities.ts'
import type { Signer } from './signer.ts'

const NO_VOTES: ExtendedCommitInfo = { round: 0, votes: [] }

/**
 * The validator's part in ABCI++ vote extensions (CometBFT ExtendVote and
 * VerifyVoteExtension; the rules are src/protocols/tendermint/voteExtensions.ts), at the
 * heights from `enableHeight` on: it extends this node's precommits for a block, judges
 * the extensions on peers' precommits and on commits fetched while catching up, and
 * hands the next proposer the extended commit.
 */
export class VoteExtensions {
  /** Ed25519 over the extension's canonical document; re-gossiped votes hit the memo. */
  private readonly verify: VerifyExtension

  constructor(
    private readonly chain: ChainState,
    private readonly signer: Signer,
    identities: ValidatorIdentities,
    private readonly context: { readonly chainId: string; readonly enableHeight: number; readonly selfAddress: string },
  ) {
    this.verify = (address, document, sig) => {
      const identity = identities.withAddress(address)
      return identity !== undefined && verifySignatureMemoized(identity.publicKey, encodeCanonical(document), sig)
    }
  }

  /** This node's signed vote, with its extension (ExtendVote, signed apart) when it is a precommit for a block that needs one. */
  extend(vote: SignedVote): SignedVote {
    if (!extensionWanted(vote, extensionsEnabled(this.context.enableHeight, vote.height))) return vote
    // Voting at the height after the committed one, so the state is the one to extend from.
    const extension = this.chain.app.extendVote(this.chain.appState, vote.height, vote.blockId!)
    const extensionSig = this.signer.extension(encodeCanonical(voteExtensionSignDocument(this.context.chainId, { height: vote.height, round: vote.round, extension })))
    return { ...vote, extension, extensionSig }
  }

  /**
   * Why a signature-checked precommit from a peer must not be counted for its extension,
   * or undefined (CometBFT `addVote`): it must carry one exactly where its height needs
   * one, signed by its validator and accepted by VerifyVoteExtension on the state it
   * extended — also for a late precommit of the height just committed, which the next
   * proposer hands the application too.
   */
  problem(vote: SignedVote): string | undefined {
    const state = vote.validatorAddress === this.context.selfAddress ? undefined : this.stateExtendedAt(vote.height)
    return voteExtensionProblem(vote, this.context.chainId, this.checks(vote.height, state))
  }

  /** The checks of a commit fetched for the height after the committed one (see `checkSyncedBlock`), undefined where extensions are off. */
  syncChecks(height: number): ExtensionChecks | undefined {
    return this.checks(height, this.chain.appState)
  }

  /** ABCI `local_last_commit` for a block whose LastCommit is `commit` (null at height 1): its precommits with their extensions. */
  localLastCommit(commit: Commit | null): ExtendedCommitInfo {
    return commit === null ? NO_VOTES : extendedCommitInfo(commit, this.chain.setAt(commit.height)!, this.chain.pubKeyOf)
  }

  /** The state the precommits of `height` extend, while this node still holds it. */
  private stateExtendedAt(height: number): ComposedState | undefined {
    if (height === this.chain.height + 1) return this.chain.appState
    return height === this.chain.height ? this.chain.previousAppState : undefined
  }

  /**
   * Undefined where extensions are off. Without a `state` to judge on — this node's own
   * vote, or one of a height consensus no longer counts — only signatures are checked.
   */
  private checks(height: number, state: ComposedState | undefined): ExtensionChecks | undefined {
    if (!extensionsEnabled(this.context.enableHeight, height)) return undefined
    const app = this.chain.app
    return { verify: this.verify, accept: (h, blockId, extension) => state === undefined || app.verifyVoteExtension(state, h, blockId, extension) }
  }
}
