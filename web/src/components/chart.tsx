import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, type ReactNode } from 'react';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export interface BarSeries {
  name: string;
  /** Already scaled for display (e.g. 万元), so the axis reads as the table does. */
  values: number[];
}

/** A grouped bar chart; `label` is read by screen readers in place of the canvas. */
export function Bars({
  categories,
  series,
  label,
}: {
  categories: string[];
  series: BarSeries[];
  label: string;
}): ReactNode {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (element.current === null) {
      return undefined;
    }
    const chart = echarts.init(element.current);
    chart.setOption({
      // Bars growing into place would also catch screenshots half-grown.
      animation: !reducedMotion,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, bottom: 64, top: 40 },
      xAxis: {
        type: 'category',
        data: categories,
        axisLabel: { interval: 0, rotate: categories.length > 4 ? 30 : 0 },
      },
      yAxis: { type: 'value' },
      series: series.map((item) => ({ type: 'bar', name: item.name, data: item.values })),
    });
    const resize = (): void => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [categories, series]);
  return <div ref={element} role="img" aria-label={label} style={{ height: 320, width: '100%' }} />;
}
