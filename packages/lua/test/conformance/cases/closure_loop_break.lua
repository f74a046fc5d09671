local fns = {}
for i = 1, 10 do
 fns[#fns + 1] = function() return i * 2 end
 if i == 3 then break end
end
print(#fns, fns[1](), fns[3]())
