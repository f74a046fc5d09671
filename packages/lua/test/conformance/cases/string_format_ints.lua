-- oracle: luajit
-- integer conversions: %d %i %u %o %x %X with every flag, widths and precisions, and C's int64 conversion of large, negative and non-finite numbers
local F = string.format
print(F("%d|%i|%d|%d|%d", 3.9, -3.9, 2^31, -2^31 - 1, -0))
print(F("%d|%d|%d|%d|%d", 2^53, 2^63, -2^63, 1e20, -1e20))
print(F("%u|%u|%x|%x|%x|%x", -1, 2^63, 2^63, 1.5 * 2^63, 2^64, 1e20))
print(F("%o|%x|%d|%d|%u|%u", -1, 0/0, 0/0, 1/0, 1/0, -1/0))
print(F("%5d|%-5d|%05d|%+5d|% 5d|%+d|% d", -3, -3, -3, 3, 3, 0, 0))
print(F("%.3d|%08.3d|%-8.3d|%+.3d|% 8.3d|%.0d|%5.0d|%.d", 7, 7, 7, 7, -7, 0, 0, 0))
print(F("%#x|%#X|%#o|%#.0o|%#.0x|%#5x|%#05x|%#-8X|%#.4x|%#o", 255, 255, 8, 0, 0, 10, 10, 10, 10, 0))
print(F("%+u|% x|%+o|%-+5d|%0-5d|%-05x", 5, 5, 5, 5, 5, 255))
print(F("%x|%X|%o|%u", 3054, 3054, 3054, 3054), F("%d", "12"), F("%x", " 0x10 "), F("%99d", 1):len(), F("%.99d", 1):len())
print(F("%d %s", 1, "x"), F("%-----d|%+++d|%    d|%00005d|%##x", 1, 2, 3, 4, 255))
