import '../runtime/process/engineFlags.ts'
import { Command } from 'commander'
import { registerDescribe } from './commands/describe.ts'
import { registerDevnet } from './commands/devnet.ts'
import { registerKeys } from './commands/keys.ts'
import { registerNode } from './commands/node.ts'
import { registerReplay } from './commands/replay.ts'
import { registerSim } from './commands/sim.ts'

const program = new Command('strata')
  .description(
    'strata — the Chainbase + CESS data network as actors: simulate it deterministically, run its roles as processes, replay its runs.',
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))

registerSim(program)
registerReplay(program)
registerDescribe(program)
registerNode(program)
registerKeys(program)
registerDevnet(program)

program.parse()
