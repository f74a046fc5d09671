-- producer/consumer and recursive generators with coroutines, hot loops inside coroutines
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local count, sig = 0, 0
for p in coroutine.wrap(function() permgen({1, 2, 3, 4}) end) do
  count = count + 1
  sig = (sig * 7 + p[1] * 1000 + p[2] * 100 + p[3] * 10 + p[4]) % 1000003
end
print(count, sig)
local producer = coroutine.create(function()
  local total = 0
  for i = 1, 300 do total = total + i; if i % 50 == 0 then coroutine.yield(total) end end
  return "end", total
end)
while true do
  local ok, v, w = coroutine.resume(producer)
  print(ok, v, w)
  if coroutine.status(producer) == "dead" then break end
end
local wrapped = coroutine.wrap(function() error({ code = 7 }) end)
local ok, e = pcall(wrapped)
print(ok, type(e), e.code)
print(pcall(coroutine.resume, producer))
print(coroutine.resume(producer))
