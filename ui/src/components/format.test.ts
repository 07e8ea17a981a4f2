// Durations read as whole milliseconds (never "0.0 ms"), seconds from 10 s; rates as percents.
import { formatMs, formatPercent } from "./format";

test("formatMs shows whole milliseconds, <1 ms below half of one, and seconds from 10 s", () => {
  expect(formatMs(0)).toBe("<1 ms");
  expect(formatMs(0.4)).toBe("<1 ms");
  expect(formatMs(0.5)).toBe("1 ms");
  expect(formatMs(4.6)).toBe("5 ms");
  expect(formatMs(28)).toBe("28 ms");
  expect(formatMs(1234)).toBe("1234 ms");
  expect(formatMs(9999.6)).toBe("10.0 s");
  expect(formatMs(12_345)).toBe("12.3 s");
  expect(formatMs(null)).toBe("—");
  expect(formatMs(undefined)).toBe("—");
});

test("formatPercent keeps one decimal except at 0 and 100", () => {
  expect(formatPercent(8 / 9)).toBe("88.9%");
  expect(formatPercent(1)).toBe("100%");
  expect(formatPercent(0)).toBe("0%");
  expect(formatPercent(null)).toBe("—");
});
