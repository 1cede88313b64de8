"""Reports: Excel lists, 初审表 forms and the joint-meeting packet."""
