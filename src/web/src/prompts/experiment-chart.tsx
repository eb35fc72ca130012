// An experiment's two numbers that matter, as charts: each version's AUC (how often it ranks a won deal above a
// lost one; 50 % is a coin toss) and the difference, candidate minus baseline, with its 95 % interval around a
// zero line: an interval clear of zero is a real difference, one that crosses it could be chance.
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ErrorBar,
  LabelList,
  ReferenceLine,
  ResponsiveContainer,
  XAxis,
  YAxis,
} from 'recharts';
import { type ExperimentResults, intervalOf, percent, points, versionName } from './experiment-model';

const COLORS = { baseline: '#64748b', candidate: '#1d4ed8', better: '#15803d', worse: '#b91c1c', unclear: '#94a3b8' };
/** Room for the versions' short names (v12) beside the bars. */
const AXIS_WIDTH = 44;
const DIFFERENCE_AXIS_WIDTH = 72;

/** The difference axis runs symmetrically around zero, in whole steps of 10 points, so zero sits in the middle. */
function differenceDomain(values: number[]): [number, number] {
  const reach = Math.max(10, ...values.map((v) => Math.ceil(Math.abs(v) / 10) * 10));
  return [-reach, reach];
}

export function ExperimentChart(props: { results: ExperimentResults; baseline: number; candidate: number }) {
  const { results } = props;
  const arms = [
    {
      name: versionName(props.baseline),
      auc: results.baseline.auc === null ? 0 : Math.round(results.baseline.auc * 1000) / 10,
      fill: COLORS.baseline,
    },
    {
      name: versionName(props.candidate),
      auc: results.candidate.auc === null ? 0 : Math.round(results.candidate.auc * 1000) / 10,
      fill: COLORS.candidate,
    },
  ];
  const { value } = results.aucDifference;
  const ci95 = intervalOf(results);
  const difference = value === null ? null : Math.round(value * 1000) / 10;
  const low = ci95 ? Math.round(ci95[0] * 1000) / 10 : null;
  const high = ci95 ? Math.round(ci95[1] * 1000) / 10 : null;
  const tone =
    results.verdict === 'candidate-better'
      ? COLORS.better
      : results.verdict === 'baseline-better'
        ? COLORS.worse
        : COLORS.unclear;
  const summary =
    `Ranks won deals above lost ones: ${versionName(props.baseline, 'baseline')} ${percent(results.baseline.auc)}, ` +
    `${versionName(props.candidate, 'candidate')} ${percent(results.candidate.auc)}. Difference ${points(value)} points` +
    (ci95 ? `, 95 % interval ${points(ci95[0])} to ${points(ci95[1])} points.` : '.');
  return (
    <figure className="experiment-chart" role="img" aria-label={summary}>
      <div className="chart">
        <p className="chart-title">
          How often each version ranks a won deal above a lost one: {versionName(props.baseline, 'baseline')} in grey,{' '}
          {versionName(props.candidate, 'candidate')} in blue
        </p>
        <ResponsiveContainer width="100%" height={120}>
          <BarChart data={arms} layout="vertical" margin={{ top: 16, right: 64, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit="%" />
            <YAxis type="category" dataKey="name" width={AXIS_WIDTH} />
            <ReferenceLine
              x={50}
              stroke="#6b7280"
              strokeDasharray="4 4"
              label={{ value: 'coin toss', position: 'top', fontSize: 11, fill: '#5b6474' }}
            />
            <Bar dataKey="auc" barSize={20} isAnimationActive={false}>
              {arms.map((arm) => (
                <Cell key={arm.name} fill={arm.fill} />
              ))}
              <LabelList dataKey="auc" position="right" formatter={(v: unknown) => `${Math.round(Number(v))}\u00a0%`} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      {difference === null ? null : (
        <div className="chart">
          <p className="chart-title">
            Difference, {versionName(props.candidate)} minus {versionName(props.baseline)}, with its 95 % interval
          </p>
          <ResponsiveContainer width="100%" height={90}>
            <BarChart
              data={[
                {
                  name: `${versionName(props.candidate)} − ${versionName(props.baseline)}`,
                  value: difference,
                  interval: low === null || high === null ? [0, 0] : [difference - low, high - difference],
                },
              ]}
              layout="vertical"
              margin={{ top: 8, right: 36, bottom: 0, left: 0 }}
            >
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis
                type="number"
                domain={differenceDomain([difference, low ?? 0, high ?? 0])}
                tickFormatter={(v: number) => (v > 0 ? `+${v}` : v < 0 ? `−${-v}` : '0')}
                unit=" pts"
              />
              <YAxis type="category" dataKey="name" width={DIFFERENCE_AXIS_WIDTH} />
              <ReferenceLine x={0} stroke="#111827" strokeWidth={2} />
              <Bar dataKey="value" barSize={18} fill={tone} isAnimationActive={false}>
                {ci95 ? (
                  <ErrorBar dataKey="interval" direction="x" width={12} stroke="#111827" strokeWidth={2} />
                ) : null}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
