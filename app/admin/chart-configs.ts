import type { ChartConfiguration } from 'chart.js';
import type { AdminConsensus, AdminDevice, AdminTagQuality } from '../../server/contract/admin.ts';
import { tagName, type Language } from '../i18n/language.ts';
import type { Messages } from '../i18n/messages.ts';

/** The dashboard's three charts as Chart.js configurations: pure data in, pure data out. */

/** Colours from the page's theme (light or dark), read once per drawing. */
export interface ChartColours {
  accent: string;
  danger: string;
  muted: string;
  text: string;
  grid: string;
}

/** Most tags the quality chart shows (the best-supported ones); the table lists them all. */
export const CHART_TAGS = 12;

const percent = { min: 0, max: 1, ticks: { format: { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 0 } } } as const;

function base(colours: ChartColours) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: colours.text,
  } as const;
}

export function feedbackChart(days: AdminConsensus['feedbackPerDay'], t: Messages, colours: ChartColours): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: days.map(({ day }) => day),
      datasets: [{ label: t.adminEvents, data: days.map(({ events }) => events), backgroundColor: colours.accent }],
    },
    options: {
      ...base(colours),
      plugins: { legend: { display: false } },
      scales: { x: { grid: { display: false } }, y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: colours.grid } } },
    },
  };
}

export function tagQualityChart(tags: readonly AdminTagQuality[], language: Language, t: Messages, colours: ChartColours): ChartConfiguration<'bar'> {
  const shown = [...tags].sort((a, b) => b.support - a.support).slice(0, CHART_TAGS);
  return {
    type: 'bar',
    data: {
      labels: shown.map((tag) => tagName(tag, language)),
      datasets: [
        { label: t.adminPrecision, data: shown.map((tag) => tag.precision), backgroundColor: colours.accent },
        { label: t.adminRecall, data: shown.map((tag) => tag.recall), backgroundColor: colours.muted },
      ],
    },
    // Horizontal bars: tag names stay readable on a phone.
    options: { ...base(colours), indexAxis: 'y', scales: { x: { ...percent, grid: { color: colours.grid } }, y: { grid: { display: false } } } },
  };
}

/** Reliability against the number of votes, one colour per status: quarantined devices stand out. */
export function reliabilityChart(devices: readonly AdminDevice[], t: Messages, colours: ChartColours): ChartConfiguration<'scatter'> {
  const points = (status: AdminDevice['status']) =>
    devices.filter((device) => device.status === status).map((device) => ({ x: device.votes, y: device.reliability }));
  return {
    type: 'scatter',
    data: {
      datasets: [
        { label: t.adminStatus.active, data: points('active'), backgroundColor: colours.accent },
        { label: t.adminStatus.quarantined, data: points('quarantined'), backgroundColor: colours.danger, pointStyle: 'triangle', pointRadius: 5 },
        { label: t.adminStatus.banned, data: points('banned'), backgroundColor: colours.muted, pointStyle: 'crossRot', pointRadius: 5 },
      ],
    },
    options: {
      ...base(colours),
      scales: {
        x: { title: { display: true, text: t.adminVotes }, beginAtZero: true, grid: { color: colours.grid } },
        y: { title: { display: true, text: t.adminReliability }, min: -1, max: 1, grid: { color: colours.grid } },
      },
    },
  };
}
