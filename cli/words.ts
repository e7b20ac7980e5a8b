// Counts in sentences: "1 record", "2 records", "0 consultees".
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
