import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { HISTORY } from './live.js';

const PALETTE = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export interface ChartProps {
  readonly title: string;
  /** Epoch seconds. */
  readonly times: readonly number[];
  readonly series: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
}

/** A live line chart (uPlot on a canvas): made again when its series change, fed new data otherwise. */
export function LiveChart({ title, times, series }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('\n');
  const data = [[...times], ...series.map((s) => [...s.values])] as uPlot.AlignedData;

  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const chart = new uPlot(
      {
        title,
        width: Math.max(200, element.clientWidth),
        height: 180,
        // A fixed window of the last HISTORY seconds, filling from the right as points come.
        scales: { x: { time: true, range: (_u, _min, max) => [max - HISTORY, max] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        legend: { live: false },
        axes: [{}, { size: 60 }],
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length]!, width: 1.5 }))],
      },
      data,
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height: 180 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Made again only when the set of series changes; data flows in through the effect below.
  }, [labels, title]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return <div class="chart" ref={box} />;
}
