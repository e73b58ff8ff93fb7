DROP TABLE share_networks;
