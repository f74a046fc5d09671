-- oracle: luajit
-- the bit library: normalisation of large, negative, fractional and string operands, every operation, tohex widths, errors
local vals = { 0, 1, -1, 2^31, 2^32, 2^32 + 5, -2^31 - 1, 2^52, 2^53 + 2, -2^63, 1.5, 2.5, -1.5, 0.49999, 1e20, 123456789, 0xdeadbeef, "0x10", " 7 " }
for _, v in ipairs(vals) do
  print(v, bit.tobit(v), bit.bnot(v), bit.bswap(v), bit.tohex(v), bit.tohex(v, -4), bit.tohex(v, 12), bit.lshift(v, 3), bit.rshift(v, 33), bit.arshift(v, 4), bit.rol(v, 7), bit.ror(v, 7))
end
print(bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4, 8), bit.bxor(5, 3), bit.band(-1), bit.tohex(255, 0), bit.tohex(-1, -8))
print(pcall(bit.band), pcall(bit.band, nil), pcall(bit.tohex, {}), pcall(bit.lshift, 1))
