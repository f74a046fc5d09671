local function build(d) if d == 0 then return {} end return {l = build(d - 1), r = build(d - 1)} end
local function count(t) if not t.l then return 1 end return 1 + count(t.l) + count(t.r) end
print(count(build(10)))
