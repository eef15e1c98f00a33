/** A valid v4-shaped UUID per client index, so the parent can publish retained state for every client's topic. */
export function orderIdFor(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}
