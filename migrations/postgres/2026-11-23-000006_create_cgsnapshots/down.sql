DROP TABLE cgsnapshot_members;
DROP TABLE cgsnapshots;
