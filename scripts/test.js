#!/usr/bin/env node
// `npm test`: typecheck, then every test once. Anything the tests need beyond npm
// packages is installed here, so a fresh machine needs nothing by hand.
import { spawnSync } from 'node:child_process'

const run = (command, args) => {
  const result = spawnSync(command, args, { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

// The process-mode tests run a real nats-server (Debian's package): installed here if missing.
run('sh', ['scripts/ensure-nats-server.sh'])
run('npx', ['tsc', '-p', '.', '--noEmit'])
run('npx', ['vitest', 'run', ...process.argv.slice(2)])
