local N = 100
local comp = {}
local primes = 0
for i = 2, N do if not comp[i] then primes = primes + 1 for j = i * i, N, i do comp[j] = true end end end
print(primes)
