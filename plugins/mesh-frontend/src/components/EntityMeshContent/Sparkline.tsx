import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { SeriesPoint, valuedCount } from './history';

export const SPARKLINE_WIDTH = 150;
export const SPARKLINE_HEIGHT = 36;

/** What a screen reader hears for the chart: the span and the first and last values. */
export function describeSeries(
  label: string,
  series: SeriesPoint[],
  format: (v: number) => string,
  reference?: { value: number; label: string },
): string {
  const valued = series.filter(p => p.value !== null) as {
    day: string;
    value: number;
  }[];
  const first = valued[0];
  const last = valued[valued.length - 1];
  const span =
    valued.length === 1
      ? `${format(first.value)} on ${first.day}`
      : `from ${format(first.value)} on ${first.day} to ${format(
          last.value,
        )} on ${last.day}`;
  return `${label}, daily: ${span}${
    reference ? `; ${reference.label} ${format(reference.value)}` : ''
  }`;
}

/**
 * A small daily line of one golden signal. Days without the figure are gaps; a single
 * day is drawn as a dot. An optional reference (the p99 budget) is a dashed line, and
 * the scale always reaches it so that it is visible.
 */
export function Sparkline(props: {
  label: string;
  series: SeriesPoint[];
  format: (v: number) => string;
  reference?: { value: number; label: string };
  testId: string;
}) {
  const theme = useTheme();
  const { label, series, format, reference, testId } = props;
  const count = valuedCount(series);
  if (count === 0) {
    return (
      <Typography
        variant="caption"
        color="textSecondary"
        component="div"
        data-testid={`${testId}-empty`}
      >
        no history yet
      </Typography>
    );
  }
  return (
    <div
      role="img"
      aria-label={describeSeries(label, series, format, reference)}
      data-testid={testId}
    >
      <LineChart
        width={SPARKLINE_WIDTH}
        height={SPARKLINE_HEIGHT}
        data={series}
        margin={{ top: 4, right: 4, bottom: 4, left: 4 }}
        // The wrapper carries the description; the chart adds no focus stop.
        accessibilityLayer={false}
      >
        <XAxis dataKey="day" hide />
        <YAxis hide domain={['auto', 'auto']} />
        <Tooltip
          formatter={(v: unknown) => (typeof v === 'number' ? format(v) : '')}
          labelStyle={{ fontSize: 12 }}
          itemStyle={{ fontSize: 12 }}
        />
        {reference && (
          <ReferenceLine
            y={reference.value}
            stroke={theme.palette.error.main}
            strokeDasharray="3 3"
            ifOverflow="extendDomain"
          />
        )}
        <Line
          type="monotone"
          dataKey="value"
          name={label}
          stroke={theme.palette.primary.main}
          strokeWidth={2}
          dot={count === 1 ? { r: 3 } : false}
          connectNulls={false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}
