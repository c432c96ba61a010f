import { Schema } from 'effect'
import { defineCheck, type Checker, type CheckResult } from './check.ts'

export const echoAnswered = defineCheck({
  type: 'echo.answered',
  describe: 'at least `minRatio` of the echo workload\'s requests got a reply',
  params: Schema.Struct({ minRatio: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 1)), { default: () => 0.99 }) }),
  create: (params): Checker => {
    let answered = 0
    let total = 0
    return {
      onReport: (_at, _actor, event, data) => {
        if (event !== 'echo.outcome') return
        total++
        if ((data as { ok: boolean }).ok) answered++
      },
      result: (): CheckResult => {
        const ratio = total === 0 ? 0 : answered / total
        const text = `${answered}/${total} requests answered (${(ratio * 100).toFixed(2)}%, need ${(params.minRatio * 100).toFixed(2)}%)`
        return { type: 'echo.answered', passed: total > 0 && ratio >= params.minRatio, summary: total === 0 ? 'no echo requests were made' : text }
      },
    }
  },
})
