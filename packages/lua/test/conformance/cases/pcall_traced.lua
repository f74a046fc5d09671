-- pcall under the JIT: a Lua callee with arguments and several results, errors on some
-- iterations (raised in the trace's code and by error()), nested pcalls, and results unused
local function f(a, b) if a % 7 == 0 then error("seven " .. a) end return a + b, a * b end
local function g(x) return x.y + 1 end
local ok, bad, s, m = 0, 0, 0, 0
for i = 1, 300 do
  local r1, r2, r3 = pcall(f, i, 2)
  if r1 then ok = ok + 1; s = s + r2 + r3 else bad = bad + 1; m = m + #r2 end
  local q1, q2 = pcall(g, (i % 5 == 0) and {y = i} or i)
  if q1 then s = s + q2 else bad = bad + 1 end
  local n1, n2, n3 = pcall(pcall, f, i, 1)
  if n1 and n2 then s = s + n3 end
  pcall(f, i, 0)
end
print(ok, bad, s, m)
