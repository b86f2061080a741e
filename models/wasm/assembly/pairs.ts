// AssemblyScript source of models/wasm/pairs.wasm (build: `deno task wasm`). Paper C's f64 pair
// sums on the CPU, in the exact operation order of the JS reference `laterPairSums`
// (models/cpu/pair_sums.ts), so both give the same bits: for each row i,
// acc_i = Σ_{j>i} exp(−scale ‖x_i − x_j‖²) with each squared distance summed over k ascending
// (t = x_i[k] − x_j[k]; d += t·t) and the terms added in j order. Eight rows i at a time, one
// per f64x2 lane (rows i, i+1 in the first vector, …), each lane its own row's computation: a
// point j is loaded once for eight rows.
//
// exp must round like the JavaScript engine's Math.exp, which in this V8 is correctly rounded
// (checked against 80-digit decimal exp; fdlibm's algorithm differs from it in ~10% of cases).
// {@link expv} therefore computes a correctly rounded exp two lanes at a time (Ziv's method):
// x = k ln2/256 + r (Cody–Waite, k·L1 exact), 2^(k/256) = 2^(k>>8) (T_hi + T_lo) from a table
// of 256 double-double values, e^r − 1 = p(r) by its degree-5 Taylor polynomial (|r| ≤ 2^-9.5,
// truncation 2^-66.7), v = T_hi + (T_hi p + T_lo) = res + err (Fast2Sum, exact). The evaluation
// error is below 4.1·2^-62.5·T_hi < 2^-59.5 (four roundings of at most 2^-53 of a term ≤
// T_hi·2^-9.5, the rest < 2^-66); when res + (err ± 2^-59) both round to res, every value within
// the bound rounds to res, which is then the correctly rounded exp (a tie is impossible for
// x ≠ 0). Lanes that fail this test (~2%), or whose result is not a normal number
// (|x| > 707), or NaN, take Math.exp itself (imported). The tests compare with Math.exp on a
// few hundred thousand arguments.

@external("./math_imports.ts", "exp") declare function jsExp(x: f64): f64;

/** 256/ln2, ln2/256 = L1 + L2 with L1 of 35 significant bits (k·L1 exact for |k| < 2^18). */
const INV_L = reinterpret<f64>(0x40771547652B82FE);
const L1 = reinterpret<f64>(0x3F662E42FEF80000);
const L2 = reinterpret<f64>(0x3D31CF79ABC9E3B4);
/** Half-width of the rounding test, above the evaluation error bound 2^-59.5. */
const BOUND: f64 = 1.734723475976807e-18; // 2^-59

/** 2^(j/256) = T_hi + T_lo for j = 0 … 255, interleaved (T_hi, T_lo), correctly rounded. */
const EXP2_TABLE: usize = memory.data<u64>([
  0x3FF0000000000000, 0x0000000000000000, 0x3FF00B1AFA5ABCBF, 0xBC84F6B2A7609F71,
  0x3FF0163DA9FB3335, 0x3C9B61299AB8CDB7, 0x3FF02168143B0281, 0xBC82BF310FC54EB6,
  0x3FF02C9A3E778061, 0xBC719083535B085D, 0x3FF037D42E11BBCC, 0x3C656811EEADE11A,
  0x3FF04315E86E7F85, 0xBC90A31C1977C96E, 0x3FF04E5F72F654B1, 0x3C84C3793AA0D08D,
  0x3FF059B0D3158574, 0x3C8D73E2A475B465, 0x3FF0650A0E3C1F89, 0xBC95CB7B5799C397,
  0x3FF0706B29DDF6DE, 0xBC8C91DFE2B13C27, 0x3FF07BD42B72A836, 0x3C83233454458700,
  0x3FF0874518759BC8, 0x3C6186BE4BB284FF, 0x3FF092BDF66607E0, 0xBC968063800A3FD1,
  0x3FF09E3ECAC6F383, 0x3C91487818316136, 0x3FF0A9C79B1F3919, 0x3C85D16C873D1D38,
  0x3FF0B5586CF9890F, 0x3C98A62E4ADC610B, 0x3FF0C0F145E46C85, 0x3C94F98906D21CEF,
  0x3FF0CC922B7247F7, 0x3C901EDC16E24F71, 0x3FF0D83B23395DEC, 0xBC9BC14DE43F316A,
  0x3FF0E3EC32D3D1A2, 0x3C403A1727C57B53, 0x3FF0EFA55FDFA9C5, 0xBC949DB9BC54021B,
  0x3FF0FB66AFFED31B, 0xBC6B9BEDC44EBD7B, 0x3FF1073028D7233E, 0x3C8D46EB1692FDD5,
  0x3FF11301D0125B51, 0xBC96C51039449B3A, 0x3FF11EDBAB5E2AB6, 0xBC9CA454F703FB72,
  0x3FF12ABDC06C31CC, 0xBC51B514B36CA5C7, 0x3FF136A814F204AB, 0xBC67108FBA48DCF0,
  0x3FF1429AAEA92DE0, 0xBC932FBF9AF1369E, 0x3FF14E95934F312E, 0xBC8B91E839BF44AB,
  0x3FF15A98C8A58E51, 0x3C82406AB9EEAB0A, 0x3FF166A45471C3C2, 0x3C58F23B82EA1A32,
  0x3FF172B83C7D517B, 0xBC819041B9D78A76, 0x3FF17ED48695BBC0, 0x3C709E3FE2AC5A64,
  0x3FF18AF9388C8DEA, 0xBC911023D1970F6C, 0x3FF1972658375D2F, 0x3C94AADD85F17E08,
  0x3FF1A35BEB6FCB75, 0x3C8E5B4C7B4968E4, 0x3FF1AF99F8138A1C, 0x3C97BF85A4B69280,
  0x3FF1BBE084045CD4, 0xBC995386352EF607, 0x3FF1C82F95281C6B, 0x3C9009778010F8C9,
  0x3FF1D4873168B9AA, 0x3C9E016E00A2643C, 0x3FF1E0E75EB44027, 0xBC96FDD8088CB6DE,
  0x3FF1ED5022FCD91D, 0xBC91DF98027BB78C, 0x3FF1F9C18438CE4D, 0xBC9BF524A097AF5C,
  0x3FF2063B88628CD6, 0x3C8DC775814A8495, 0x3FF212BE3578A819, 0x3C93592D2CFCAAC9,
  0x3FF21F49917DDC96, 0x3C82A97E9494A5EE, 0x3FF22BDDA27912D1, 0x3C8D34FB5577D69F,
  0x3FF2387A6E756238, 0x3C99B07EB6C70573, 0x3FF2451FFB82140A, 0x3C8ACFCC911CA996,
  0x3FF251CE4FB2A63F, 0x3C8AC155BEF4F4A4, 0x3FF25E85711ECE75, 0x3C93E1A24AC31B2C,
  0x3FF26B4565E27CDD, 0x3C82BD339940E9D9, 0x3FF2780E341DDF29, 0x3C9E067C05F9E76C,
  0x3FF284DFE1F56381, 0xBC9A4C3A8C3F0D7E, 0x3FF291BA7591BB70, 0xBC82CC7228401CBD,
  0x3FF29E9DF51FDEE1, 0x3C8612E8AFAD1255, 0x3FF2AB8A66D10F13, 0xBC995743191690A7,
  0x3FF2B87FD0DAD990, 0xBC410ADCD6381AA4, 0x3FF2C57E39771B2F, 0xBC950145A6EB5124,
  0x3FF2D285A6E4030B, 0x3C90024754DB41D5, 0x3FF2DF961F641589, 0x3C9D16CFFBBCE198,
  0x3FF2ECAFA93E2F56, 0x3C71CA0F45D52383, 0x3FF2F9D24ABD886B, 0xBC653C55532BDA93,
  0x3FF306FE0A31B715, 0x3C86F46AD23182E4, 0x3FF31432EDEEB2FD, 0x3C8959A3F3F3FCD1,
  0x3FF32170FC4CD831, 0x3C8A9CE78E18047C, 0x3FF32EB83BA8EA32, 0xBC9C45E83CB4F318,
  0x3FF33C08B26416FF, 0x3C932721843659A6, 0x3FF3496266E3FA2D, 0xBC835A75930881A4,
  0x3FF356C55F929FF1, 0xBC8B5CEE5C4E4628, 0x3FF36431A2DE883B, 0xBC8C3144A06CB85E,
  0x3FF371A7373AA9CB, 0xBC963AEABF42EAE2, 0x3FF37F26231E754A, 0xBC99F5CA9ECEB23C,
  0x3FF38CAE6D05D866, 0xBC9E958D3C9904BD, 0x3FF39A401B7140EF, 0xBC99A9A5FC8E2934,
  0x3FF3A7DB34E59FF7, 0xBC75E436D661F5E3, 0x3FF3B57FBFEC6CF4, 0x3C954C66E26FFF18,
  0x3FF3C32DC313A8E5, 0xBC9EFFF8375D29C3, 0x3FF3D0E544EDE173, 0x3C7FE8D08C284C71,
  0x3FF3DEA64C123422, 0x3C8ADA0911F09EBC, 0x3FF3EC70DF1C5175, 0xBC8AF6637B8C9BCA,
  0x3FF3FA4504AC801C, 0xBC97D023F956F9F3, 0x3FF40822C367A024, 0x3C8BDDF8B6F4D048,
  0x3FF4160A21F72E2A, 0xBC5EF3691C309278, 0x3FF423FB2709468A, 0xBC98462DC0B314DD,
  0x3FF431F5D950A897, 0xBC81C7DDE35F7999, 0x3FF43FFA3F84B9D4, 0x3C8880BE9704C003,
  0x3FF44E086061892D, 0x3C489B7A04EF80D0, 0x3FF45C2042A7D232, 0xBC68641982FB1F8E,
  0x3FF46A41ED1D0057, 0x3C9C944BD1648A76, 0x3FF4786D668B3237, 0xBC9C20F0ED445733,
  0x3FF486A2B5C13CD0, 0x3C73C1A3B69062F0, 0x3FF494E1E192AED2, 0xBC83B2895E499EA0,
  0x3FF4A32AF0D7D3DE, 0x3C99CB62F3D1BE56, 0x3FF4B17DEA6DB7D7, 0xBC8125B87F2897F0,
  0x3FF4BFDAD5362A27, 0x3C7D4397AFEC42E2, 0x3FF4CE41B817C114, 0x3C905E29690ABD5D,
  0x3FF4DCB299FDDD0D, 0x3C98ECDBBC6A7833, 0x3FF4EB2D81D8ABFF, 0xBC95257D2E5D7A52,
  0x3FF4F9B2769D2CA7, 0xBC94B309D25957E3, 0x3FF508417F4531EE, 0x3C7A249B49B7465F,
  0x3FF516DAA2CF6642, 0xBC8F768569BD93EF, 0x3FF5257DE83F4EEF, 0xBC7C998D43EFEF71,
  0x3FF5342B569D4F82, 0xBC807ABE1DB13CAD, 0x3FF542E2F4F6AD27, 0x3C87926D192D5F7E,
  0x3FF551A4CA5D920F, 0xBC8D689CEFEDE59B, 0x3FF56070DDE910D2, 0xBC90FB6E168EEBF0,
  0x3FF56F4736B527DA, 0x3C99BB2C011D93AD, 0x3FF57E27DBE2C4CF, 0xBC90B98C8A57B9C4,
  0x3FF58D12D497C7FD, 0x3C8295E15B9A1DE8, 0x3FF59C0827FF07CC, 0xBC97E2CEE467E60F,
  0x3FF5AB07DD485429, 0x3C96324C054647AD, 0x3FF5BA11FBA87A03, 0xBC9B77A14C233E1A,
  0x3FF5C9268A5946B7, 0x3C3C4B1B816986A2, 0x3FF5D84590998B93, 0xBC9CD6A7A8B45643,
  0x3FF5E76F15AD2148, 0x3C9BA6F93080E65E, 0x3FF5F6A320DCEB71, 0xBC89EADDE3CDCF92,
  0x3FF605E1B976DC09, 0xBC93E2429B56DE47, 0x3FF6152AE6CDF6F4, 0x3C9E4B3E4AB84C27,
  0x3FF6247EB03A5585, 0xBC9383C17E40B497, 0x3FF633DD1D1929FD, 0x3C984710BEB964E5,
  0x3FF6434634CCC320, 0xBC8C483C759D8933, 0x3FF652B9FEBC8FB7, 0xBC9AE3D5C9A73E09,
  0x3FF6623882552225, 0xBC9BB60987591C34, 0x3FF671C1C70833F6, 0xBC8E8732586C6134,
  0x3FF68155D44CA973, 0x3C6038AE44F73E65, 0x3FF690F4B19E9538, 0x3C8804BD9AEB445D,
  0x3FF6A09E667F3BCD, 0xBC9BDD3413B26456, 0x3FF6B052FA75173E, 0x3C7A38F52C9A9D0E,
  0x3FF6C012750BDABF, 0xBC72895667FF0B0D, 0x3FF6CFDCDDD47645, 0x3C9C7AA9B6F17309,
  0x3FF6DFB23C651A2F, 0xBC6BBE3A683C88AB, 0x3FF6EF9298593AE5, 0xBC90B9749E1AC8B2,
  0x3FF6FF7DF9519484, 0xBC883C0F25860EF6, 0x3FF70F7466F42E87, 0x3C59D644D45AA65F,
  0x3FF71F75E8EC5F74, 0xBC816E4786887A99, 0x3FF72F8286EAD08A, 0xBC920AA02CD62C72,
  0x3FF73F9A48A58174, 0xBC90A8D96C65D53C, 0x3FF74FBD35D7CBFD, 0x3C9047FD618A6E1C,
  0x3FF75FEB564267C9, 0xBC90245957316DD3, 0x3FF77024B1AB6E09, 0x3C9B7877169147F8,
  0x3FF780694FDE5D3F, 0x3C9866B80A02162D, 0x3FF790B938AC1CF6, 0x3C9349A862AADD3E,
  0x3FF7A11473EB0187, 0xBC841577EE04992F, 0x3FF7B17B0976CFDB, 0xBC9BEBB58468DC88,
  0x3FF7C1ED0130C132, 0x3C9F124CD1164DD6, 0x3FF7D26A62FF86F0, 0x3C91BDDBFB72B8B4,
  0x3FF7E2F336CF4E62, 0x3C705D02BA15797E, 0x3FF7F3878491C491, 0xBC807F11CF9311AE,
  0x3FF80427543E1A12, 0xBC927C86626D972B, 0x3FF814D2ADD106D9, 0x3C9464370D151D4D,
  0x3FF82589994CCE13, 0xBC9D4C1DD41532D8, 0x3FF8364C1EB941F7, 0x3C999B9A31DF2BD5,
  0x3FF8471A4623C7AD, 0xBC88D684A341CDFB, 0x3FF857F4179F5B21, 0xBC5BA748F8B216D0,
  0x3FF868D99B4492ED, 0xBC9FC6F89BD4F6BA, 0x3FF879CAD931A436, 0x3C85D2D7D2DB47BD,
  0x3FF88AC7D98A6699, 0x3C9994C2F37CB53A, 0x3FF89BD0A478580F, 0x3C9D53954475202B,
  0x3FF8ACE5422AA0DB, 0x3C96E9F156864B27, 0x3FF8BE05BAD61778, 0x3C9ECB5EFC43446E,
  0x3FF8CF3216B5448C, 0xBC70D55E32E9E3AA, 0x3FF8E06A5E0866D9, 0xBC97114A6FC9B2E6,
  0x3FF8F1AE99157736, 0x3C85CC13A2E3976C, 0x3FF902FED0282C8A, 0x3C9592CA85FE3FD2,
  0x3FF9145B0B91FFC6, 0xBC9DD6792E582524, 0x3FF925C353AA2FE2, 0xBC83455FA639DB7F,
  0x3FF93737B0CDC5E5, 0xBC675FC781B57EBC, 0x3FF948B82B5F98E5, 0xBC8DC3D6797D2D99,
  0x3FF95A44CBC8520F, 0xBC764B7C96A5F039, 0x3FF96BDD9A7670B3, 0xBC5BA5967F19C896,
  0x3FF97D829FDE4E50, 0xBC9D185B7C1B85D1, 0x3FF98F33E47A22A2, 0x3C7CABDAA24C78ED,
  0x3FF9A0F170CA07BA, 0xBC9173BD91CEE632, 0x3FF9B2BB4D53FE0D, 0xBC9DD84E4DF6D518,
  0x3FF9C49182A3F090, 0x3C7C7C46B071F2BE, 0x3FF9D674194BB8D5, 0xBC9516BEA3DD8233,
  0x3FF9E86319E32323, 0x3C7824CA78E64C6E, 0x3FF9FA5E8D07F29E, 0xBC84A9CEAAF1FACE,
  0x3FFA0C667B5DE565, 0xBC9359495D1CD533, 0x3FFA1E7AED8EB8BB, 0x3C9C6618EE8BE70E,
  0x3FFA309BEC4A2D33, 0x3C96305C7DDC36AB, 0x3FFA42C980460AD8, 0xBC9AA780589FB120,
  0x3FFA5503B23E255D, 0xBC9D2F6EDB8D41E1, 0x3FFA674A8AF46052, 0x3C650F5630670366,
  0x3FFA799E1330B358, 0x3C9BCB7ECAC563C7, 0x3FFA8BFE53C12E59, 0xBC94F867B2BA15A9,
  0x3FFA9E6B5579FDBF, 0x3C90FAC90EF7FD31, 0x3FFAB0E521356EBA, 0x3C889C31DAE94545,
  0x3FFAC36BBFD3F37A, 0xBC8F9234CAE76CD0, 0x3FFAD5FF3A3C2774, 0x3C97EF3BB6B1B8E5,
  0x3FFAE89F995AD3AD, 0x3C97A1CD345DCC81, 0x3FFAFB4CE622F2FF, 0xBC94B2FC0F315ECD,
  0x3FFB0E07298DB666, 0xBC9BDEF54C80E425, 0x3FFB20CE6C9A8952, 0x3C94DD024A0756CC,
  0x3FFB33A2B84F15FB, 0xBC62805E3084D708, 0x3FFB468415B749B1, 0xBC7F763DE9DF7C90,
  0x3FFB59728DE5593A, 0xBC9C71DFBBBA6DE3, 0x3FFB6C6E29F1C52A, 0x3C92A8F352883F6E,
  0x3FFB7F76F2FB5E47, 0xBC75584F7E54AC3B, 0x3FFB928CF22749E4, 0xBC9B721654CB65C6,
  0x3FFBA5B030A1064A, 0xBC9EFCD30E54292E, 0x3FFBB8E0B79A6F1F, 0xBC3F52D1C9696205,
  0x3FFBCC1E904BC1D2, 0x3C823DD07A2D9E84, 0x3FFBDF69C3F3A207, 0xBC3C262360EA5B52,
  0x3FFBF2C25BD71E09, 0xBC9EFDCA3F6B9C73, 0x3FFC06286141B33D, 0xBC8D8A5AA1FBCA34,
  0x3FFC199BDD85529C, 0x3C811065895048DD, 0x3FFC2D1CD9FA652C, 0xBC96E51617C8A5D7,
  0x3FFC40AB5FFFD07A, 0x3C9B4537E083C60A, 0x3FFC544778FAFB22, 0x3C912F072493B5AF,
  0x3FFC67F12E57D14B, 0x3C92884DFF483CAD, 0x3FFC7BA88988C933, 0xBC8E76BBBE255559,
  0x3FFC8F6D9406E7B5, 0x3C71ACBC48805C44, 0x3FFCA3405751C4DB, 0xBC87F2BED10D08F5,
  0x3FFCB720DCEF9069, 0x3C7503CBD1E949DB, 0x3FFCCB0F2E6D1675, 0xBC7D220F86009093,
  0x3FFCDF0B555DC3FA, 0xBC8DD83B53829D72, 0x3FFCF3155B5BAB74, 0xBC9A08E9B86DFF57,
  0x3FFD072D4A07897C, 0xBC9CBC3743797A9C, 0x3FFD1B532B08C968, 0x3C955636219A36EE,
  0x3FFD2F87080D89F2, 0xBC9D487B719D8578, 0x3FFD43C8EACAA1D6, 0x3C93DB53BF5A1614,
  0x3FFD5818DCFBA487, 0x3C82ED02D75B3707, 0x3FFD6C76E862E6D3, 0x3C5FE87A4A8165A0,
  0x3FFD80E316C98398, 0xBC911EC18BEDDFE8, 0x3FFD955D71FF6075, 0x3C9A052DBB9AF6BE,
  0x3FFDA9E603DB3285, 0x3C9C2300696DB532, 0x3FFDBE7CD63A8315, 0xBC9B76F1926B8BE4,
  0x3FFDD321F301B460, 0x3C92DA5778F018C3, 0x3FFDE7D5641C0658, 0xBC9CA5528E79BA8F,
  0x3FFDFC97337B9B5F, 0xBC91A5CD4F184B5C, 0x3FFE11676B197D17, 0xBC72B529BD5C7F44,
  0x3FFE264614F5A129, 0xBC97B627817A1496, 0x3FFE3B333B16EE12, 0xBC99F4A431FDC68B,
  0x3FFE502EE78B3FF6, 0x3C839E8980A9CC8F, 0x3FFE653924676D76, 0xBC863FF87522B735,
  0x3FFE7A51FBC74C83, 0x3C92D522CA0C8DE2, 0x3FFE8F7977CDB740, 0xBC91089480B054B1,
  0x3FFEA4AFA2A490DA, 0xBC9E9C23179C2893, 0x3FFEB9F4867CCA6E, 0x3C94832F2293E4F2,
  0x3FFECF482D8E67F1, 0xBC9C93F3B411AD8C, 0x3FFEE4AAA2188510, 0x3C91C68DA487568D,
  0x3FFEFA1BEE615A27, 0x3C9DC7F486A4B6B0, 0x3FFF0F9C1CB6412A, 0xBC93220065181D45,
  0x3FFF252B376BBA97, 0x3C93A1A5BF0D8E43, 0x3FFF3AC948DD7274, 0xBC795A5A3ED837DE,
  0x3FFF50765B6E4540, 0x3C99D3E12DD8A18B, 0x3FFF6632798844F8, 0x3C9FA37B3539343E,
  0x3FFF7BFDAD9CBE14, 0xBC9DBB12D006350A, 0x3FFF91D802243C89, 0xBC612EA8A779F689,
  0x3FFFA7C1819E90D8, 0x3C874853F3A5931E, 0x3FFFBDBA3692D514, 0xBC79677315098EB6,
  0x3FFFD3C22B8F71F1, 0x3C62EB74966579E7, 0x3FFFE9D96B2A23D9, 0x3C74A6037442FDE3,
]);

/** exp of both lanes, correctly rounded (Math.exp's bits): see the file's header. */
@inline function expv(x: v128): v128 {
  const kf = f64x2.nearest(f64x2.mul(x, f64x2.splat(INV_L)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, f64x2.splat(L1))), f64x2.mul(kf, f64x2.splat(L2)));
  const ki = i32x4.trunc_sat_f64x2_s_zero(kf);
  const e0 = EXP2_TABLE + (<usize>(i32x4.extract_lane(ki, 0) & 255) << 4);
  const e1 = EXP2_TABLE + (<usize>(i32x4.extract_lane(ki, 1) & 255) << 4);
  const th = f64x2.replace_lane(f64x2.splat(load<f64>(e0)), 1, load<f64>(e1));
  const tl = f64x2.replace_lane(f64x2.splat(load<f64>(e0, 8)), 1, load<f64>(e1, 8));
  let q = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  q = f64x2.add(f64x2.splat(1.0 / 6.0), f64x2.mul(r, q));
  q = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, q));
  const p = f64x2.add(r, f64x2.mul(f64x2.mul(r, r), q));
  const c = f64x2.add(f64x2.mul(th, p), tl);
  const res = f64x2.add(th, c);
  const err = f64x2.sub(c, f64x2.sub(res, th));
  const b = f64x2.splat(BOUND);
  const up = f64x2.add(res, f64x2.add(err, b)), dn = f64x2.add(res, f64x2.sub(err, b));
  const scale = i64x2.shl(
    i64x2.add(i64x2.extend_low_i32x4_s(i32x4.shr_s(ki, 8)), i64x2.splat(1023)),
    52,
  );
  let out = f64x2.mul(res, scale);
  const ok = v128.and(
    v128.and(f64x2.eq(up, res), f64x2.eq(dn, res)),
    f64x2.le(f64x2.abs(x), f64x2.splat(707)),
  );
  if (!i64x2.all_true(ok)) {
    if (i64x2.extract_lane(ok, 0) == 0) {
      out = f64x2.replace_lane(out, 0, jsExp(f64x2.extract_lane(x, 0)));
    }
    if (i64x2.extract_lane(ok, 1) == 0) {
      out = f64x2.replace_lane(out, 1, jsExp(f64x2.extract_lane(x, 1)));
    }
  }
  return out;
}

/** out[i] = exp(x[i]) for i < n (f64) through {@link expv} (for the tests). */
export function expArray(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    v128.store(out + (<usize>i << 3), expv(v128.load(x + (<usize>i << 3))));
  }
  if (i < n) store<f64>(out + (<usize>i << 3), jsExp(load<f64>(x + (<usize>i << 3))));
}

@inline function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** First byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return align16(__heap_base);
}

/** Scratch bytes {@link laterPairSums} needs in dimension d (eight rows, transposed, + terms). */
export function pairScratch(d: i32): usize {
  return (<usize>d << 6) + 128;
}

const LANES01 = i64x2(0, 1);
const LANES23 = i64x2(2, 3);
const LANES45 = i64x2(4, 5);
const LANES67 = i64x2(6, 7);

/**
 * exp(ns ‖x_r − x_j‖²) for the eight rows r of the block in `scratch` (transposed, d vectors of
 * eight) and the point at `xj`, each distance summed over k ascending; written after the block,
 * whose address is returned.
 */
@inline function terms(scratch: usize, xj: usize, d: i32, nsv: v128): usize {
  let d0 = f64x2.splat(0), d1 = d0, d2 = d0, d3 = d0;
  let s = scratch;
  for (let k = 0; k < d; k++) {
    const y = v128.load64_splat(xj + (<usize>k << 3));
    const t0 = f64x2.sub(v128.load(s), y), t1 = f64x2.sub(v128.load(s, 16), y);
    const t2 = f64x2.sub(v128.load(s, 32), y), t3 = f64x2.sub(v128.load(s, 48), y);
    d0 = f64x2.add(d0, f64x2.mul(t0, t0));
    d1 = f64x2.add(d1, f64x2.mul(t1, t1));
    d2 = f64x2.add(d2, f64x2.mul(t2, t2));
    d3 = f64x2.add(d3, f64x2.mul(t3, t3));
    s += 64;
  }
  v128.store(s, expv(f64x2.mul(nsv, d0)));
  v128.store(s, expv(f64x2.mul(nsv, d1)), 16);
  v128.store(s, expv(f64x2.mul(nsv, d2)), 32);
  v128.store(s, expv(f64x2.mul(nsv, d3)), 48);
  return s;
}

/** {@link terms} for the points at `xa` and `xb` at once: 16 terms, xa's eight first. */
@inline function terms2(scratch: usize, xa: usize, xb: usize, d: i32, nsv: v128): usize {
  let d0 = f64x2.splat(0), d1 = d0, d2 = d0, d3 = d0, d4 = d0, d5 = d0, d6 = d0, d7 = d0;
  let s = scratch;
  for (let k = 0; k < d; k++) {
    const o = <usize>k << 3;
    const ya = v128.load64_splat(xa + o), yb = v128.load64_splat(xb + o);
    const x0 = v128.load(s), x1 = v128.load(s, 16), x2 = v128.load(s, 32), x3 = v128.load(s, 48);
    const t0 = f64x2.sub(x0, ya), t1 = f64x2.sub(x1, ya);
    const t2 = f64x2.sub(x2, ya), t3 = f64x2.sub(x3, ya);
    const t4 = f64x2.sub(x0, yb), t5 = f64x2.sub(x1, yb);
    const t6 = f64x2.sub(x2, yb), t7 = f64x2.sub(x3, yb);
    d0 = f64x2.add(d0, f64x2.mul(t0, t0));
    d1 = f64x2.add(d1, f64x2.mul(t1, t1));
    d2 = f64x2.add(d2, f64x2.mul(t2, t2));
    d3 = f64x2.add(d3, f64x2.mul(t3, t3));
    d4 = f64x2.add(d4, f64x2.mul(t4, t4));
    d5 = f64x2.add(d5, f64x2.mul(t5, t5));
    d6 = f64x2.add(d6, f64x2.mul(t6, t6));
    d7 = f64x2.add(d7, f64x2.mul(t7, t7));
    s += 64;
  }
  v128.store(s, expv(f64x2.mul(nsv, d0)));
  v128.store(s, expv(f64x2.mul(nsv, d1)), 16);
  v128.store(s, expv(f64x2.mul(nsv, d2)), 32);
  v128.store(s, expv(f64x2.mul(nsv, d3)), 48);
  v128.store(s, expv(f64x2.mul(nsv, d4)), 64);
  v128.store(s, expv(f64x2.mul(nsv, d5)), 80);
  v128.store(s, expv(f64x2.mul(nsv, d6)), 96);
  v128.store(s, expv(f64x2.mul(nsv, d7)), 112);
  return s;
}

@inline function pair(x: usize, a: i32, b: i32, d: i32, k: i32): v128 {
  return f64x2.replace_lane(
    f64x2.splat(load<f64>(x + (<usize>(a * d + k) << 3))),
    1,
    load<f64>(x + (<usize>(b * d + k) << 3)),
  );
}

/**
 * out[o + i − from] = Σ_{j=i+1}^{end−1} exp(−scale ‖x_i − x_j‖²) for from ≤ i < to (rows of x:
 * d values each, f64). Scratch: {@link pairScratch} bytes, 16-aligned.
 */
export function laterPairSums(
  x: usize, d: i32, from: i32, to: i32, end: i32, scale: f64, out: usize, scratch: usize,
): void {
  const rowB = <usize>d << 3;
  const ns = -scale;
  for (let i = from; i < to; i += 8) {
    const last = to - 1;
    const i1 = min(i + 1, last), i2 = min(i + 2, last), i3 = min(i + 3, last);
    const i4 = min(i + 4, last), i5 = min(i + 5, last), i6 = min(i + 6, last);
    const i7 = min(i + 7, last);
    for (let k = 0; k < d; k++) {
      const s = scratch + (<usize>k << 6);
      v128.store(s, pair(x, i, i1, d, k));
      v128.store(s, pair(x, i2, i3, d, k), 16);
      v128.store(s, pair(x, i4, i5, d, k), 32);
      v128.store(s, pair(x, i6, i7, d, k), 48);
    }
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
    const nsv = f64x2.splat(ns);
    // row i + r pairs with j only when j > i + r: the first seven j add +0 to the other lanes
    const jm = min(i + 8, end);
    let xj = x + <usize>(i + 1) * rowB;
    for (let j = i + 1; j < jm; j++) {
      const r = i64x2.splat(j - i);
      const e = terms(scratch, xj, d, nsv);
      a0 = f64x2.add(a0, v128.and(v128.load(e), i64x2.gt_s(r, LANES01)));
      a1 = f64x2.add(a1, v128.and(v128.load(e, 16), i64x2.gt_s(r, LANES23)));
      a2 = f64x2.add(a2, v128.and(v128.load(e, 32), i64x2.gt_s(r, LANES45)));
      a3 = f64x2.add(a3, v128.and(v128.load(e, 48), i64x2.gt_s(r, LANES67)));
      xj += rowB;
    }
    let j = jm;
    for (; j + 1 < end; j += 2) {
      // j and j + 1 together (eight independent sums); the terms still added in j order
      const e = terms2(scratch, xj, xj + rowB, d, nsv);
      a0 = f64x2.add(f64x2.add(a0, v128.load(e)), v128.load(e, 64));
      a1 = f64x2.add(f64x2.add(a1, v128.load(e, 16)), v128.load(e, 80));
      a2 = f64x2.add(f64x2.add(a2, v128.load(e, 32)), v128.load(e, 96));
      a3 = f64x2.add(f64x2.add(a3, v128.load(e, 48)), v128.load(e, 112));
      xj += rowB << 1;
    }
    if (j < end) {
      const e = terms(scratch, xj, d, nsv);
      a0 = f64x2.add(a0, v128.load(e));
      a1 = f64x2.add(a1, v128.load(e, 16));
      a2 = f64x2.add(a2, v128.load(e, 32));
      a3 = f64x2.add(a3, v128.load(e, 48));
    }
    const o = out + (<usize>(i - from) << 3);
    store<f64>(o, f64x2.extract_lane(a0, 0));
    if (i + 1 < to) store<f64>(o, f64x2.extract_lane(a0, 1), 8);
    if (i + 2 < to) store<f64>(o, f64x2.extract_lane(a1, 0), 16);
    if (i + 3 < to) store<f64>(o, f64x2.extract_lane(a1, 1), 24);
    if (i + 4 < to) store<f64>(o, f64x2.extract_lane(a2, 0), 32);
    if (i + 5 < to) store<f64>(o, f64x2.extract_lane(a2, 1), 40);
    if (i + 6 < to) store<f64>(o, f64x2.extract_lane(a3, 0), 48);
    if (i + 7 < to) store<f64>(o, f64x2.extract_lane(a3, 1), 56);
  }
}
