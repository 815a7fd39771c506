/** Which rows of a fixed-row-height list to put in the DOM for a scroll position. */

export interface ListViewport {
  /** Pixels scrolled from the top of the list. */
  scrollTop: number;
  /** Visible height of the scrolling element, in pixels. */
  height: number;
  rowHeight: number;
  count: number;
  /** Extra rows above and below the visible ones, so that a fast scroll shows no gap. */
  overscan: number;
}

export interface RowWindow {
  /** First row to render (inclusive). */
  start: number;
  /** Row after the last one to render (exclusive). */
  end: number;
  /** Pixels from the top of the list to the first rendered row. */
  offset: number;
  /** Height of the whole list, so that the scrollbar is true to it. */
  total: number;
}

export function rowWindow({ scrollTop, height, rowHeight, count, overscan }: ListViewport): RowWindow {
  const total = count * rowHeight;
  // A scroll position past the end (the list just got shorter) shows the last screenful.
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, total - height));
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, height)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.max(last, first + 1) + overscan);
  return { start, end, offset: start * rowHeight, total };
}
