local x = 5
print(-x, - -x, -(-x), -0.5, -(2^63))
