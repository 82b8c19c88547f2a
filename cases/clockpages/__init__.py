"""The clock's pages: the deadline calculator and the holiday tables with their edits. Above
cases.access (the pages ask it who may come in) and cases.clock (whose calculator and tables
they show)."""
