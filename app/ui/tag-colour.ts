/** A stable colour per tag id, so a tag's box and its entry in the list match across photos. */
export function tagColour(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return `hsl(${hash % 360} 70% 40%)`;
}
