-- oracle: luajit
-- int64 cdata in string.format: integer conversions use the 64 bits (signed for %d, unsigned for %u %o %x); %s shows tostring; floats and %c reject cdata
local F = string.format
print(F("%d|%x|%X|%o|%u", 5LL, -1LL, 255LL, 8ULL, -1LL))
print(F("%d|%u|%5.2d|%-6d|%+d|%#x|%020d", -1ULL, -1ULL, -5LL, 7LL, 7LL, 2LL^40, -9223372036854775807LL - 1))
print(F("%s|%q|%s", 5LL, 5LL, -1ULL))
print(pcall(F, "%f", 5LL))
print(pcall(F, "%c", 65LL))
print(pcall(F, "%a", 5LL))
print(pcall(string.rep, "x", 5LL))
