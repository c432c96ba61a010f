import type { ActorMetrics } from './nodeStatus.ts'

/**
 * The Prometheus text exposition (format 0.0.4) of one node. Counter `decode.errors`
 * becomes `strata_decode_errors_total`, gauge `x` `strata_x`, figure `peersAlive`
 * `strata_figure_peersAlive`, a distribution a summary with quantiles 0.5 and 0.99; each
 * sample is labelled with node, role and actor.
 */
type Kind = 'counter' | 'gauge' | 'summary'

interface Family {
  readonly kind: Kind
  readonly lines: string[]
}

const metricName = (name: string): string => `strata_${name.replace(/[^A-Za-z0-9_]/g, '_')}`

const labelValue = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

const number = (value: number): string => (Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf')

export const prometheusText = (node: { readonly id: string; readonly role: string; readonly uptimeSeconds: number }, actors: readonly ActorMetrics[]): string => {
  const families = new Map<string, Family>()
  const sample = (name: string, kind: Kind, labels: Record<string, string>, value: number, suffix = ''): void => {
    let family = families.get(name)
    if (family === undefined) families.set(name, (family = { kind, lines: [] }))
    const text = Object.entries(labels)
      .map(([k, v]) => `${k}="${labelValue(v)}"`)
      .join(',')
    family.lines.push(`${name}${suffix}{${text}} ${number(value)}`)
  }
  const nodeLabels = { node: node.id, role: node.role }
  sample('strata_up', 'gauge', nodeLabels, 1)
  sample('strata_uptime_seconds', 'gauge', nodeLabels, node.uptimeSeconds)
  for (const actor of actors) {
    const labels = { ...nodeLabels, actor: actor.id }
    for (const [name, value] of actor.counters) sample(`${metricName(name)}_total`, 'counter', labels, value)
    for (const [name, value] of actor.gauges) sample(metricName(name), 'gauge', labels, value)
    for (const [name, value] of Object.entries(actor.figures)) sample(metricName(`figure_${name}`), 'gauge', labels, value)
    for (const [name, d] of Object.entries(actor.distributions)) {
      const family = metricName(name)
      sample(family, 'summary', { ...labels, quantile: '0.5' }, d.p50)
      sample(family, 'summary', { ...labels, quantile: '0.99' }, d.p99)
      sample(family, 'summary', labels, d.mean * d.count, '_sum')
      sample(family, 'summary', labels, d.count, '_count')
    }
  }
  const out: string[] = []
  for (const [name, family] of families) out.push(`# TYPE ${name} ${family.kind}`, ...family.lines)
  return `${out.join('\n')}\n`
}
