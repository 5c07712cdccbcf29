/**
 * A stacked bar chart (Chart.js, only the parts it needs). The canvas is an image to assistive
 * technology with a summary label; the table beside it carries the same figures for everyone.
 */
import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// Distinguishable colours that keep 3:1 contrast against white (WCAG 1.4.11), Flemish yellow last.
const COLOURS = ['#05c', '#007a33', '#b3001b', '#8a4b00', '#6b2fa3', '#00707a', '#5c5c5b', '#a66f00'];

export interface Series {
  label: string;
  values: number[];
}

export function StackedBars({ labels, series, label, locale }: { labels: string[]; series: Series[]; label: string; locale: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: COLOURS[i % COLOURS.length], stack: 'all' })) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale,
        plugins: { legend: { position: 'bottom' } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    return () => chart.destroy();
  }, [labels, series, locale]);
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
