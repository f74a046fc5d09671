-- an uncaught malformed pattern from a gmatch iterator, raised at the loop's line
for w in string.gmatch("a b", "%a+") do print(w) end
for w in string.gmatch("a b", "[%a") do print(w) end
