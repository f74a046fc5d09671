print(pcall(table.concat, {1, {}, 3}))
