/**
 * A uPlot chart that follows its container's width (laptop or phone) and goes away with the page.
 * uPlot draws on canvas, so every chart also gets a data table for people and tests.
 */
import uPlot from 'uplot';

export interface StepChartOptions {
  x: number[];
  y: number[];
  xLabel: string;
  yLabel: string;
  /** Formats x values on the axis and in the legend. */
  xFormat: (x: number) => string;
  /** Tick steps the x axis may use (e.g. whole seconds and minutes for media time). */
  xIncrs?: number[];
  signal: AbortSignal;
  height?: number;
}

export function stepChart(container: HTMLElement, o: StepChartOptions): void {
  const width = () => Math.max(260, container.clientWidth || 600);
  const height = o.height ?? (window.innerWidth < 600 ? 200 : 260);
  const opts: uPlot.Options = {
    width: width(),
    height,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [
      {
        label: o.xLabel,
        values: (_u, splits) => splits.map(o.xFormat),
        ...(o.xIncrs ? { incrs: o.xIncrs } : {}),
        stroke: '#475569',
        grid: { stroke: '#e2e8f0' },
      },
      { label: o.yLabel, stroke: '#475569', grid: { stroke: '#e2e8f0' }, size: 48 },
    ],
    series: [
      { label: o.xLabel, value: (_u, v) => (v === null ? '—' : o.xFormat(v)) },
      {
        label: o.yLabel,
        stroke: '#2563eb',
        width: 2,
        fill: 'rgba(37, 99, 235, 0.15)',
        paths: uPlot.paths.stepped!({ align: 1 }),
        points: { show: false },
      },
    ],
  };
  const chart = new uPlot(opts, [o.x, o.y], container);
  const observer = new ResizeObserver(() => chart.setSize({ width: width(), height }));
  observer.observe(container);
  o.signal.addEventListener('abort', () => {
    observer.disconnect();
    chart.destroy();
  });
}
