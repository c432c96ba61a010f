import type { Command } from 'commander'
import { Either } from 'effect'
import { publicKeyHex } from '../../runtime/crypto/ed25519.ts'
import { ensureNodeKey } from '../../runtime/process/nodeKey.ts'
import { EXIT_BAD_INPUT } from '../exitCodes.ts'
import { fail } from '../fail.ts'

export const registerKeys = (program: Command): void => {
  program
    .command('keys')
    .description("create a node's ed25519 key in its data directory (if it has none) and print its public key")
    .requiredOption('--data <dir>', 'the node\'s data directory; the key goes to DIR/node.key (mode 0600)')
    .addHelpText('after', '\nThe public key (hex) is what the network file lists for the node. An existing key is never replaced.')
    .action((flags: { data: string }) => {
      const key = ensureNodeKey(flags.data)
      if (Either.isLeft(key)) return fail(key.left.message, EXIT_BAD_INPUT, key.left.hint)
      process.stdout.write(`${publicKeyHex(key.right.signer.publicKey)}\n`)
      process.stderr.write(key.right.created ? `strata: created ${flags.data}/node.key\n` : `strata: ${flags.data}/node.key already exists; its public key is above\n`)
    })
}
