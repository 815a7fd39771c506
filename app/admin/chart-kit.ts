import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';

/**
 * Chart.js with only the parts the dashboard draws (bars, scatter, their scales, tooltips and
 * legends). Imported lazily by Chart.svelte, so the app's first load never carries it.
 */
Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, PointElement, ScatterController, Tooltip);

export { Chart };
