-- oracle: luajit
-- the math library: min/max NaN and signed zeros, frexp/ldexp at the range ends, modf/fmod, log bases, LuaJIT's seeded random
print(math.min(0/0, 1), math.min(1, 0/0), math.max(0/0,1), math.max(1,0/0), math.min(0, -0), math.min(-0, 0), math.max(0,-0), math.max(-0, 0))
print(math.frexp(0)); print(math.frexp(-0)); print(math.frexp(1/0)); print(math.frexp(5e-324)); print(math.frexp(-3.5)); print(math.frexp(2^1023 * 1.9))
print(math.ldexp(1e-300, 1100), math.ldexp(1, -1080), math.ldexp(1, -1074), math.ldexp(1.5, -1074), math.ldexp(3, -1075), math.ldexp(1, 1024), math.ldexp(0.75, 1024), math.ldexp(-1, -2000))
print(math.modf(1/0)); print(math.modf(-3.5)); print(math.modf(0/0)); print(math.fmod(1, 0), math.fmod(-6, 4), math.fmod(5.5, -2))
print(math.floor("3.7"), math.abs(-0), math.ceil(-0.5), math.floor(-0.0), math.sqrt(-1))
print(math.deg(math.pi), math.rad(180), math.atan2(1, -1), math.atan(1, 2), math.exp(1), math.log(0), math.log10(1000), math.pow(-8, 1/3), math.log(8, 2), math.log(100, 10), math.log(27, 3))
print(math.sinh(1), math.cosh(1), math.tanh(0.5), math.mod, math.huge, -math.huge, math.pi)
math.randomseed(123) local t = {} for i = 1, 10 do t[i] = math.random(100) end print(table.concat(t, " "))
print(string.format("%.17g %.17g", math.random(), math.random(5, 10)))
math.randomseed(2^40 + 0.5) print(math.random(1, 6), math.random(3.7))
