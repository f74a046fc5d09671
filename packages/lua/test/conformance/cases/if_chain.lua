for i = 1, 5 do
 if i == 1 then print("one") elseif i == 2 then print("two") elseif i < 5 then print("small") else print("five") end
end
