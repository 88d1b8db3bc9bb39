//! Common given and family names and company words per locale, typed by hand, for the
//! customer population (and for the name parts a look-alike swaps in).
//!
//! Lists are whitespace separated; `_` stands for a space inside one name ("da_Silva").

/// How a person's name is written in the locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    /// "Given Family".
    GivenFamily,
    /// "Family Given" with a space (Korean romanised, Vietnamese, Chinese pinyin often).
    FamilyGiven,
    /// Family then given with no space (Han, Hangul, kanji).
    FamilyGivenJoined,
}

/// What else a full name may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Extra {
    None,
    /// A patronymic between given and family name (Russian, Ukrainian).
    Patronymic,
    /// A second family name (Spanish, Portuguese).
    SecondFamily,
    /// The father's given name between given and family name (Arabic, Persian, Nigerian).
    FatherName,
    /// A middle name (English, Vietnamese, Indian).
    Middle,
}

/// How a company name is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CompanyStyle {
    /// "Word Industry Form".
    WordIndustryForm,
    /// "Form «Word»" (post-Soviet).
    FormQuotedWord,
    /// Everything joined with no spaces (Han, kana/kanji, Hangul).
    Joined,
}

pub(super) struct Locale {
    pub code: &'static str,
    pub countries: &'static [&'static str],
    pub male: &'static str,
    pub female: &'static str,
    pub family: &'static str,
    /// Male and female patronymics (or second given names), where [`Extra::Patronymic`].
    pub patronymic_male: &'static str,
    pub patronymic_female: &'static str,
    pub order: Order,
    pub extra: Extra,
    pub company_words: &'static str,
    pub industries: &'static str,
    pub legal_forms: &'static str,
    pub company_style: CompanyStyle,
    /// Relative share of the customer population.
    pub weight: u32,
}

impl Locale {
    pub fn list(text: &'static str) -> Vec<String> {
        text.split_whitespace()
            .map(|w| w.replace('_', " "))
            .collect()
    }
}

const fn locale(code: &'static str, countries: &'static [&'static str]) -> Locale {
    Locale {
        code,
        countries,
        male: "",
        female: "",
        family: "",
        patronymic_male: "",
        patronymic_female: "",
        order: Order::GivenFamily,
        extra: Extra::None,
        company_words: "",
        industries: "",
        legal_forms: "",
        company_style: CompanyStyle::WordIndustryForm,
        weight: 4,
    }
}

pub(super) const LOCALES: &[Locale] = &[
    Locale {
        male: "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark Paul Steven Andrew Kenneth Joshua Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Gary Oliver Harry Jack Noah Liam",
        female: "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Laura Sharon Olivia Emma Charlotte Amelia Sophie",
        family: "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Hughes Wood Watson Patel",
        extra: Extra::Middle,
        company_words: "Northwind Summit Pioneer Riverside Bluewater Keystone Evergreen Granite Harbor Liberty Silverline Oakridge Crescent Atlas Beacon Redwood Lakeshore Meridian Westfield Highland",
        industries: "Logistics Trading Consulting Holdings Capital Foods Systems Engineering Construction Healthcare Software Energy Partners Realty Textiles Electronics Shipping Farms Media Pharmaceuticals",
        legal_forms: "Ltd Limited Inc. LLC Corp. PLC LLP Co. Company",
        weight: 14,
        ..locale("en", &["US", "GB", "CA", "AU", "IE", "NZ"])
    },
    Locale {
        male: "Thomas Michael Andreas Stefan Peter Christian Klaus Wolfgang Jürgen Frank Uwe Markus Matthias Tobias Sebastian Florian Lukas Jonas Maximilian Felix Dieter Günter Horst Manfred Bernd Helmut Ralf Jörg Sven Dirk",
        female: "Sabine Petra Monika Ursula Claudia Andrea Birgit Susanne Katrin Stefanie Julia Anna Lena Laura Lea Hannah Marie Sophie Katharina Christina Anja Heike Gabriele Renate Brigitte Karin Ingrid Jutta Silke Nicole",
        family: "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel Friedrich",
        company_words: "Nordstern Alpen Rhein Elbe Sonnenberg Lindenhof Adler Falke Bergmann Eichwald Hansa Tannenberg Weserland Isar Brückner Steinbach Bodensee Schwarzwald",
        industries: "Maschinenbau Logistik Handel Bau Elektrotechnik Immobilien Beratung Verlag Spedition Holzbau Metallbau Medizintechnik Lebensmittel Versicherungsmakler Softwareentwicklung",
        legal_forms: "GmbH AG KG GmbH_&_Co._KG e.K. OHG UG",
        weight: 7,
        ..locale("de", &["DE", "AT", "CH"])
    },
    Locale {
        male: "Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Daniel Bernard Éric Frédéric Laurent Stéphane Olivier Sébastien Julien Thierry Pascal Didier François Hugo Louis Gabriel Léo Lucas Raphaël Arthur Mathieu Antoine",
        female: "Marie Nathalie Isabelle Sylvie Catherine Françoise Valérie Christine Monique Sandrine Sophie Céline Camille Chloé Léa Manon Emma Inès Juliette Margaux Hélène Élodie Aurélie Émilie Delphine Nicole Brigitte Claire Anne Virginie",
        family: "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont",
        company_words: "Horizon Azur Lumière Provence Bretagne Atlantique Étoile Rivage Alpin Montagne Soleil Océane Normandie Lyonnaise Méridien",
        industries: "Transports Conseil Immobilier Bâtiment Distribution Services Informatique Ingénierie Négoce Restauration Logistique Industries",
        legal_forms: "SARL SAS SA EURL SNC SASU",
        weight: 6,
        ..locale("fr", &["FR", "BE", "CH", "CA", "LU", "SN", "CI"])
    },
    Locale {
        male: "José Juan Antonio Manuel Francisco Luis Carlos Javier Jesús Miguel Alejandro Rafael Pedro Fernando Pablo Jorge Alberto Sergio Diego Andrés Ricardo Eduardo Raúl Enrique Ramón Santiago Mateo Gabriel Óscar Héctor",
        female: "María Carmen Ana Isabel Laura Lucía Marta Cristina Elena Pilar Rosa Paula Sara Raquel Patricia Andrea Beatriz Silvia Sofía Valentina Camila Daniela Gabriela Mariana Fernanda Ximena Guadalupe Alejandra Verónica Julia",
        family: "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Álvarez Muñoz Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Suárez Molina Morales Ortega Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias Medina Garrido Cortés Castillo Santos Flores Rojas Vargas Reyes",
        extra: Extra::SecondFamily,
        company_words: "Iberia Sol Mediterráneo Andina Pacífico Cóndor Alameda Azteca Sierra Laguna Cordillera Valle Estrella Aurora Austral",
        industries: "Construcciones Comercial Distribuciones Inversiones Transportes Servicios Agrícola Alimentos Inmobiliaria Consultores Ingeniería Textil",
        legal_forms: "S.A. S.L. S.A._de_C.V. S.R.L. S.A.S. Ltda.",
        weight: 9,
        ..locale("es", &["ES", "MX", "AR", "CO", "PE", "CL", "VE", "EC"])
    },
    Locale {
        male: "João José Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Luís Gabriel Rafael Daniel Marcelo Bruno Eduardo Felipe Raimundo Rodrigo Gustavo Thiago Tiago Diogo Rui Nuno Miguel Vítor Sérgio Fábio",
        female: "Maria Ana Francisca Antônia Adriana Juliana Márcia Fernanda Patrícia Aline Sandra Camila Amanda Bruna Jéssica Letícia Júlia Luciana Vanessa Mariana Gabriela Beatriz Larissa Inês Joana Rita Sofia Catarina Leonor Conceição",
        family: "da_Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Ramos Gonçalves Santana Teixeira Sousa Pinto Correia Monteiro Cunha",
        extra: Extra::SecondFamily,
        company_words: "Atlântico Tropical Ipanema Amazônia Paulista Horizonte Cruzeiro Guanabara Litoral Planalto Serrana Tejo Douro Lusitana",
        industries: "Comércio Construtora Transportes Alimentos Serviços Engenharia Agropecuária Importadora Tecnologia Distribuidora Imobiliária",
        legal_forms: "Ltda. S.A. ME EIRELI Lda.",
        weight: 6,
        ..locale("pt", &["BR", "PT", "AO", "MZ"])
    },
    Locale {
        male: "Giuseppe Giovanni Antonio Mario Luigi Francesco Angelo Vincenzo Pietro Salvatore Carlo Franco Domenico Bruno Paolo Michele Giorgio Aldo Sergio Luciano Marco Alessandro Andrea Matteo Lorenzo Leonardo Riccardo Davide Simone Stefano",
        female: "Maria Anna Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Caterina Francesca Antonietta Carla Elena Concetta Rita Margherita Franca Paola Giulia Chiara Sara Martina Alessia Federica Valentina Silvia Elisa Laura Sofia",
        family: "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola De_Santis D'Angelo Marchetti",
        company_words: "Adriatica Tirrena Padana Lombarda Toscana Vesuvio Aurora Stella Fenice Dolomiti Laguna Ligure Etrusca Sabauda",
        industries: "Costruzioni Trasporti Alimentari Impianti Servizi Commerciale Meccanica Tessile Immobiliare Logistica Arredamenti",
        legal_forms: "S.r.l. S.p.A. S.n.c. S.a.s.",
        weight: 5,
        ..locale("it", &["IT", "CH", "SM"])
    },
    Locale {
        male: "Piotr Krzysztof Andrzej Tomasz Paweł Jan Michał Marcin Jakub Adam Marek Łukasz Grzegorz Mateusz Wojciech Mariusz Dariusz Zbigniew Jerzy Maciej Rafał Robert Kamil Stanisław Józef Sławomir Bartosz Szymon Kacper Jacek",
        female: "Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Elżbieta Magdalena Joanna Zofia Monika Beata Aleksandra Dorota Halina Jadwiga Natalia Karolina Marta Justyna Renata Iwona Grażyna Paulina Urszula Wiktoria Julia Danuta",
        family: "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król Majewski Olszewski Jaworski Wróbel Malinowski Pawlak Witkowski Walczak Stępień Górski Rutkowski Michalak",
        company_words: "Polmex Wisła Mazowsze Bałtyk Orzeł Tatry Pomorze Warta Odra Sokół Bursztyn Karpaty",
        industries: "Budownictwo Transport Handel Usługi Logistyka Spedycja Meble Elektro Inżynieria Dystrybucja",
        legal_forms: "Sp._z_o.o. S.A. Sp.k. Sp.j.",
        weight: 4,
        ..locale("pl", &["PL"])
    },
    Locale {
        male: "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan Halil Süleyman Abdullah Mahmut Recep Salih Kemal Emre Burak Fatih Serkan Onur Cem Kaan Barış Volkan Hakan",
        female: "Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife Merve Havva Zeliha Esra Fadime Özlem Hacer Melek Yasemin Büşra Derya Gül Ebru Seda Selin Canan Dilek Aylin Tuğba",
        family: "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan Yavuz Can Acar Şen Aktaş Güler Yalçın Güneş Bozkurt Bulut Keskin Ünal Turan Gül Özer",
        company_words: "Anadolu Boğaziçi Ege Marmara Toros Kartal Akdeniz Karadeniz Kapadokya Yıldız Ufuk Doruk Atlas",
        industries: "İnşaat Tekstil Gıda Lojistik Ticaret Turizm Otomotiv Enerji Madencilik Yapı Plastik",
        legal_forms: "A.Ş. Ltd._Şti. Sanayi_ve_Ticaret_A.Ş.",
        weight: 5,
        ..locale("tr", &["TR", "CY", "AZ"])
    },
    Locale {
        male: "Mohammed Muhammad Ahmed Ali Omar Abdullah Mahmoud Mustafa Hassan Hussein Khaled Youssef Ibrahim Abdulrahman Saad Tariq Faisal Hamza Karim Nasser Sami Walid Ziad Majid Adel Samir Rami Bilal Anas Yasser Fahad Sultan Nabil Jamal Hisham",
        female: "Fatima Aisha Mariam Noor Layla Sara Huda Amal Reem Salma Yasmin Hana Rania Dina Lina Zainab Khadija Asma Nadia Samira Mona Rasha Ghada Hala Dalia Amira Rana Nour Jana Farah",
        family: "Al-Sayed Hassan Hussein Ibrahim Mahmoud Abdullah Al-Masri Al-Khouri Haddad Khalil Nasser Saleh Mansour Youssef Othman Al-Rashid Al-Amin Al-Hashimi Qureshi Al-Shamsi Al-Mansoori Al-Zahrani Al-Ghamdi Al-Qahtani Al-Otaibi Al-Dosari Al-Harbi Al-Mutairi Khoury Farouk Darwish Suleiman Hamdan Awad Barakat Zaki Hamdi Fawzi Shalaby",
        extra: Extra::FatherName,
        company_words: "Al_Noor Al_Amal Gulf Sahara Nile Al_Rayan Al_Baraka Oasis Crescent Al_Fajr Levant Arabian Falcon Pearl Al_Khaleej",
        industries: "Trading Contracting General_Trading Investments Real_Estate Shipping Petroleum Foodstuff Electromechanical Travel Textiles",
        legal_forms: "LLC FZE FZ-LLC W.L.L. Co. S.A.E. Establishment",
        weight: 9,
        ..locale(
            "ar_latn",
            &[
                "SA", "EG", "AE", "JO", "IQ", "SY", "LB", "KW", "QA", "MA", "DZ", "TN", "LY", "YE",
                "OM", "BH",
            ],
        )
    },
    Locale {
        male: "محمد أحمد علي عمر عبدالله محمود مصطفى حسن حسين خالد يوسف إبراهيم عبدالرحمن سعد طارق فيصل حمزة كريم ناصر سامي وليد زياد ماجد عادل سمير رامي بلال أنس ياسر فهد",
        female: "فاطمة عائشة مريم نور ليلى سارة هدى أمل ريم سلمى ياسمين هناء رانيا دينا لينا زينب خديجة أسماء نادية سميرة منى رشا غادة هالة داليا أميرة رنا جنى فرح",
        family: "السيد حسن حسين إبراهيم محمود عبدالله المصري الخوري حداد خليل ناصر صالح منصور يوسف عثمان الرشيد الأمين الهاشمي الشامسي المنصوري الزهراني الغامدي القحطاني العتيبي الدوسري الحربي المطيري درويش سليمان حمدان عوض بركات زكي",
        extra: Extra::FatherName,
        company_words: "النور الأمل الخليج الصحراء النيل الريان البركة الفجر الواحة الهلال اللؤلؤة الصقر",
        industries: "للتجارة للمقاولات للاستثمار للعقارات للشحن للنقل للسياحة للصناعات",
        legal_forms: "ذ.م.م ش.م.م ش.م.ع",
        weight: 4,
        ..locale(
            "ar",
            &[
                "SA", "EG", "AE", "JO", "IQ", "SY", "LB", "KW", "QA", "MA", "DZ",
            ],
        )
    },
    Locale {
        male: "Mohammad Ali Hossein Reza Mehdi Amir Hassan Mahmoud Javad Saeed Majid Hamid Mohsen Ahmad Behrouz Dariush Kourosh Babak Farhad Parviz Siamak Arash Omid Navid Peyman Kaveh Ramin Shahram Hamed Vahid",
        female: "Fatemeh Zahra Maryam Masoumeh Zeinab Sakineh Leila Shirin Parisa Nasrin Mahnaz Azadeh Niloufar Roya Shabnam Mina Golnar Samaneh Elham Narges Farzaneh Soheila Mahsa Neda Yasaman Ladan Taraneh Somayeh Marjan Tahmineh",
        family: "Mohammadi Hosseini Ahmadi Rezaei Moradi Karimi Hashemi Mousavi Jafari Ghasemi Rahimi Sadeghi Heidari Kazemi Abbasi Ebrahimi Najafi Ghorbani Salehi Shirazi Tehrani Esfahani Tabrizi Rostami Farahani Kermani Amini Bagheri Zamani Nouri Soltani Akbari Mahmoudi Khani Yazdani",
        company_words: "Pars Kavir Alborz Zagros Khazar Arya Simorgh Persepolis Mehr Sepahan Nasim Golestan",
        industries: "Trading Industrial Engineering Petrochemical Carpet Pistachio Saffron Construction Shipping",
        legal_forms: "Co. Company Ltd. PJS",
        weight: 3,
        ..locale("fa_latn", &["IR", "AF"])
    },
    Locale {
        male: "Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Артём Николай Владимир Павел Роман Денис Игорь Олег Виктор Юрий Константин Антон Илья Никита Кирилл Вадим Григорий Борис Василий Леонид Анатолий",
        female: "Елена Ольга Наталья Татьяна Ирина Светлана Анна Мария Екатерина Юлия Анастасия Марина Людмила Галина Валентина Надежда Оксана Виктория Дарья Ксения Алина Полина Вера Любовь Нина Зоя Лариса Тамара Софья Евгения",
        family: "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв",
        patronymic_male: "Александрович Сергеевич Дмитриевич Андреевич Алексеевич Евгеньевич Иванович Михайлович Николаевич Владимирович Павлович Игоревич Олегович Викторович Юрьевич Анатольевич Борисович Васильевич",
        patronymic_female: "Александровна Сергеевна Дмитриевна Андреевна Алексеевна Евгеньевна Ивановна Михайловна Николаевна Владимировна Павловна Игоревна Олеговна Викторовна Юрьевна Анатольевна Борисовна Васильевна",
        extra: Extra::Patronymic,
        company_words: "Вектор Альфа Восток Сибирь Урал Север Гранит Меридиан Прогресс Стройинвест Техносфера Росток Факел Импульс Волга Нева Аргон Орион",
        industries: "",
        legal_forms: "ООО АО ПАО ИП",
        company_style: CompanyStyle::FormQuotedWord,
        weight: 6,
        ..locale("ru", &["RU", "BY", "KZ"])
    },
    Locale {
        male: "Aleksandr Sergey Dmitriy Andrey Aleksey Maksim Evgeniy Ivan Mikhail Artem Nikolay Vladimir Pavel Roman Denis Igor Oleg Viktor Yuriy Konstantin Anton Ilya Nikita Kirill Vadim Grigoriy Boris Vasiliy Leonid Anatoliy",
        female: "Elena Olga Natalya Tatyana Irina Svetlana Anna Mariya Ekaterina Yuliya Anastasiya Marina Lyudmila Galina Valentina Nadezhda Oksana Viktoriya Darya Kseniya Alina Polina Vera Lyubov Nina Zoya Larisa Tamara Sofya Evgeniya",
        family: "Ivanov Smirnov Kuznetsov Popov Vasilyev Petrov Sokolov Mikhaylov Novikov Fedorov Morozov Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov Nikitin Zakharov Zaytsev Solovyev Borisov Yakovlev Grigoryev Romanov Vorobyev Sergeev Kuzmin Frolov Aleksandrov Dmitriev Korolev Gusev Kiselev",
        patronymic_male: "Aleksandrovich Sergeevich Dmitrievich Andreevich Alekseevich Evgenyevich Ivanovich Mikhaylovich Nikolaevich Vladimirovich Pavlovich Igorevich Olegovich Viktorovich Yuryevich Anatolyevich Borisovich Vasilyevich",
        patronymic_female: "Aleksandrovna Sergeevna Dmitrievna Andreevna Alekseevna Evgenyevna Ivanovna Mikhaylovna Nikolaevna Vladimirovna Pavlovna Igorevna Olegovna Viktorovna Yuryevna Anatolyevna Borisovna Vasilyevna",
        extra: Extra::Patronymic,
        company_words: "Vektor Alfa Vostok Sibir Ural Sever Granit Meridian Progress Stroyinvest Tekhnosfera Rostok Fakel Impuls Volga Neva Argon Orion",
        legal_forms: "OOO AO PAO LLC JSC",
        company_style: CompanyStyle::FormQuotedWord,
        weight: 5,
        ..locale("ru_latn", &["RU", "BY", "KZ"])
    },
    Locale {
        male: "Олександр Сергій Дмитро Андрій Олексій Максим Іван Михайло Микола Володимир Павло Роман Денис Ігор Олег Віктор Юрій Богдан Тарас Ярослав Василь Петро Степан Остап Назар Орест",
        female: "Олена Ольга Наталія Тетяна Ірина Світлана Анна Марія Катерина Юлія Оксана Галина Надія Людмила Вікторія Дарина Соломія Христина Мирослава Богдана Ганна Леся Зоряна Ярина",
        family: "Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Поліщук Коваль Бойко Мельник Ткачук Савченко Руденко Мороз Лисенко Марченко Петренко Клименко Павленко Левченко Гончаренко Кравчук Карпенко Литвиненко Зінченко Гуменюк Федоренко Кузьменко Тимошенко",
        company_words: "Дніпро Карпати Поділля Галичина Світанок Колос Таврія Злагода Вектор Сокіл",
        legal_forms: "ТОВ ПАТ ПрАТ ФОП",
        company_style: CompanyStyle::FormQuotedWord,
        weight: 3,
        ..locale("uk", &["UA"])
    },
    Locale {
        male: "Oleksandr Serhiy Dmytro Andriy Oleksiy Maksym Ivan Mykhailo Mykola Volodymyr Pavlo Roman Denys Ihor Oleh Viktor Yuriy Bohdan Taras Yaroslav Vasyl Petro Stepan Ostap Nazar Orest",
        female: "Olena Olha Nataliya Tetiana Iryna Svitlana Anna Mariya Kateryna Yuliya Oksana Halyna Nadiya Liudmyla Viktoriya Daryna Solomiya Khrystyna Myroslava Bohdana Hanna Lesya Zoryana Yaryna",
        family: "Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Oliynyk Shevchuk Polishchuk Koval Boyko Melnyk Tkachuk Savchenko Rudenko Moroz Lysenko Marchenko Petrenko Klymenko Pavlenko Levchenko Honcharenko Kravchuk Karpenko Lytvynenko Zinchenko Humeniuk Fedorenko Kuzmenko Tymoshenko",
        company_words: "Dnipro Karpaty Podillya Halychyna Svitanok Kolos Tavriya Zlahoda Sokil Prykarpattya",
        industries: "Agro Trade Invest Bud Service Logistic",
        legal_forms: "TOV PrAT LLC",
        weight: 3,
        ..locale("uk_latn", &["UA"])
    },
    Locale {
        male: "伟 强 磊 军 洋 勇 杰 涛 明 超 刚 平 辉 鹏 华 建华 建国 志强 国强 海涛 晓东 文斌 俊杰 浩然 子轩 宇航 志明 永刚 立新 家豪",
        female: "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 桂英 秀英 秀兰 丽娟 晓燕 海燕 雪梅 美玲 婷婷 欣怡 梓涵 诗涵 思雨 佳怡 雨桐 慧敏 红梅 淑珍 玉兰 春梅",
        family: "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈",
        order: Order::FamilyGivenJoined,
        company_words: "华信 东方 长城 中联 恒通 鑫源 天成 宏达 金桥 瑞丰 盛世 新元 汇丰 海天 龙腾",
        industries: "科技 贸易 实业 物流 投资 建设 电子 化工 医药 食品",
        legal_forms: "有限公司 股份有限公司 集团有限公司",
        company_style: CompanyStyle::Joined,
        weight: 6,
        ..locale("zh", &["CN", "TW", "HK", "SG", "MY"])
    },
    Locale {
        male: "Wei Qiang Lei Jun Yang Yong Jie Tao Ming Chao Gang Ping Hui Peng Hua Jianhua Jianguo Zhiqiang Guoqiang Haitao Xiaodong Wenbin Junjie Haoran Zixuan Yuhang Zhiming Yonggang Lixin Jiahao",
        female: "Fang Na Min Jing Li Yan Juan Xia Ling Guiying Xiuying Xiulan Lijuan Xiaoyan Haiyan Xuemei Meiling Tingting Xinyi Zihan Shihan Siyu Jiayi Yutong Huimin Hongmei Shuzhen Yulan Chunmei",
        family: "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Jiang Cai Yu Du Ye Cheng Su Wei Lu Ding Ren Shen",
        order: Order::FamilyGiven,
        company_words: "Huaxin Dongfang Changcheng Zhonglian Hengtong Xinyuan Tiancheng Hongda Jinqiao Ruifeng Shengshi Xinyuan Haitian Longteng",
        industries: "Technology Trading Industrial Logistics Investment Construction Electronics Chemical Pharmaceutical Foods",
        legal_forms: "Co._Ltd. Co.,_Ltd. Group_Co._Ltd. Limited",
        weight: 6,
        ..locale("zh_latn", &["CN", "TW", "HK", "SG", "MY"])
    },
    Locale {
        male: "翔 蓮 大翔 蒼 陽翔 悠真 湊 大和 翔太 拓海 健太 大輔 誠 浩 隆 健一 和也 直樹 哲也 秀樹 ひろし たかし けんた しょうた",
        female: "陽菜 結衣 葵 さくら 美咲 愛 恵子 久美子 由美子 真由美 明美 裕子 直美 智子 陽子 優子 あゆみ まい ゆい はるか",
        family: "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川",
        order: Order::FamilyGivenJoined,
        company_words: "日の出 富士 大和 桜 東洋 北斗 朝日 三和 青葉 光 明和 昭和",
        industries: "商事 工業 建設 物産 電機 運輸 製作所 食品 産業",
        legal_forms: "株式会社 有限会社 合同会社",
        company_style: CompanyStyle::Joined,
        weight: 3,
        ..locale("ja", &["JP"])
    },
    Locale {
        male: "Hiroshi Takashi Kenta Shota Haruto Sota Yuto Minato Riku Daiki Takumi Kenji Makoto Tsuyoshi Yuki Kazuya Naoki Tetsuya Hideki Akira Kenichi Satoshi Masato Ryota Daisuke",
        female: "Yui Hina Sakura Aoi Misaki Ai Keiko Kumiko Yumiko Mayumi Akemi Yuko Naomi Tomoko Yoko Ayumi Mai Haruka Emi Megumi Kaori Rina Nanami Miyu Noriko",
        family: "Sato Suzuki Takahashi Tanaka Ito Watanabe Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Saito Shimizu Yamazaki Mori Ikeda Hashimoto Abe Ishikawa Yamashita Nakajima Ishii Ogawa",
        company_words: "Hinode Fuji Yamato Sakura Toyo Hokuto Asahi Sanwa Aoba Hikari Meiwa Showa",
        industries: "Shoji Kogyo Kensetsu Bussan Denki Unyu Seisakusho Foods Sangyo Trading",
        legal_forms: "Co.,_Ltd. K.K. Corporation Inc.",
        weight: 3,
        ..locale("ja_latn", &["JP"])
    },
    Locale {
        male: "민준 서준 도윤 예준 시우 하준 주원 지호 지후 준서 준우 현우 도현 건우 우진 민재 현준 성민 영호 정호 상철 영수 동현 재민 승현",
        female: "서연 서윤 지우 서현 민서 하은 하윤 윤서 지유 지민 채원 수빈 지아 예은 수아 은지 영희 미경 수진 지현 혜진 은영 미영 정숙 순자",
        family: "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 전 홍 고 문 양 손 배 백 허 유 남",
        order: Order::FamilyGivenJoined,
        company_words: "한빛 대한 동양 새한 삼양 태양 미래 우리 한솔 세종 명성",
        industries: "상사 산업 건설 전자 물산 무역 기술 화학",
        legal_forms: "주식회사 (주) 유한회사",
        company_style: CompanyStyle::Joined,
        weight: 3,
        ..locale("ko", &["KR"])
    },
    Locale {
        male: "Min-jun Seo-jun Do-yun Ye-jun Si-woo Ha-jun Ju-won Ji-ho Ji-hoo Jun-seo Jun-woo Hyun-woo Do-hyun Gun-woo Woo-jin Min-jae Hyun-jun Sung-min Young-ho Jung-ho Sang-chul Young-soo Dong-hyun Jae-min Seung-hyun",
        female: "Seo-yeon Seo-yoon Ji-woo Seo-hyun Min-seo Ha-eun Ha-yoon Yoon-seo Ji-yoo Ji-min Chae-won Su-bin Ji-a Ye-eun Su-a Eun-ji Young-hee Mi-kyung Su-jin Ji-hyun Hye-jin Eun-young Mi-young Jung-sook Soon-ja",
        family: "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Ryu Jeon Hong Ko Moon Yang Son Bae Baek Heo Yoo Nam",
        order: Order::FamilyGiven,
        company_words: "Hanbit Daehan Dongyang Saehan Samyang Taeyang Mirae Woori Hansol Sejong Myungsung",
        industries: "Trading Industrial Construction Electronics Corporation Chemical Tech Logistics",
        legal_forms: "Co.,_Ltd. Corp. Inc.",
        weight: 3,
        ..locale("ko_latn", &["KR"])
    },
    Locale {
        male: "Rahul Amit Rajesh Suresh Ramesh Sanjay Vijay Anil Sunil Manoj Arjun Rohan Vikram Aditya Karan Nikhil Pradeep Deepak Ashok Arun Sachin Rakesh Gaurav Abhishek Harish Mahesh Ravi Srinivas Venkatesh Prakash",
        female: "Priya Anjali Pooja Neha Sunita Anita Kavita Deepa Lakshmi Meena Rekha Shweta Divya Sneha Aishwarya Swati Nisha Ritu Geeta Shalini Asha Usha Radha Savita Padma Kiran Jyoti Shreya Ananya Aarti",
        family: "Sharma Verma Gupta Singh Kumar Patel Shah Mehta Reddy Rao Iyer Nair Menon Pillai Joshi Desai Chopra Kapoor Malhotra Agarwal Banerjee Chatterjee Mukherjee Das Bose Sinha Mishra Pandey Tiwari Yadav Jain Saxena Bhat Naidu Kulkarni Chauhan Thakur Srivastava Dubey Ghosh",
        extra: Extra::Middle,
        company_words: "Shree Sai Ganesh Lakshmi Bharat Sunrise Vishnu Om Krishna Ambika Sagar Tirupati Kaveri Ganga Everest",
        industries: "Exports Textiles Pharma Infotech Constructions Traders Enterprises Agro Polymers Steels Logistics",
        legal_forms: "Pvt._Ltd. Private_Limited Ltd. LLP",
        weight: 7,
        ..locale("in", &["IN", "NP", "LK"])
    },
    Locale {
        male: "Minh Hùng Dũng Tuấn Hải Nam Long Quang Huy Sơn Thắng Phong Cường Đức Khánh Tâm Bình Thành Trung Việt Hoàng Bảo Khoa Phúc Tài",
        female: "Lan Hương Linh Hoa Mai Ngọc Thảo Trang Hằng Nga Phương Thủy Hạnh Yến Vy Anh Châu Diệp Quyên Nhung Uyên Trinh Loan Thu Hà",
        family: "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Đoàn Mai Lâm Tạ Cao Lưu Tôn",
        patronymic_male: "Văn Đức Minh Quốc Hữu Thanh Công Xuân",
        patronymic_female: "Thị Ngọc Thu Kim Thanh Bích Hồng Mỹ",
        order: Order::FamilyGiven,
        extra: Extra::Patronymic,
        company_words: "Sài_Gòn Hà_Nội Việt_Á Phương_Đông Hoàng_Long Thành_Công Đại_Phát Minh_Phát Tân_Tiến",
        industries: "Thương_Mại Xây_Dựng Vận_Tải Dệt_May Thủy_Sản Công_Nghệ",
        legal_forms: "TNHH Cổ_phần JSC Co.,_Ltd.",
        weight: 3,
        ..locale("vi", &["VN"])
    },
    Locale {
        male: "Chukwuemeka Oluwaseun Babatunde Adebayo Ibrahim Musa Abubakar Emeka Chinedu Obinna Tunde Femi Segun Kayode Uche Ikenna Nnamdi Yusuf Sani Aliyu Olumide Gbenga Ayodele Chidi Kelechi Usman Bello Danjuma Ifeanyi Tochukwu",
        female: "Ngozi Chiamaka Adaeze Funmilayo Folake Yetunde Aisha Hauwa Zainab Amina Blessing Chioma Nneka Ifeoma Oluwakemi Titilayo Bukola Adaora Ebere Halima Fatima Kemi Tolani Omolara Ngozika Uchenna Abimbola Temitope Modupe Salamatu",
        family: "Okafor Okonkwo Adeyemi Adebayo Ogunleye Olawale Eze Nwosu Obi Okeke Chukwu Mohammed Abdullahi Bello Ibrahim Yusuf Danladi Usman Balogun Oyelaran Afolabi Adewale Nwachukwu Onyeka Igwe Okoro Ugwu Ogunbiyi Akande Lawal Bakare Ojo Ajayi Olatunji Babangida",
        extra: Extra::FatherName,
        company_words: "Zenith Crown Royal Eko Niger Delta Savannah Greenfield Unity Kano Benue Ogun Lekki Jos",
        industries: "Ventures Enterprises Oil_and_Gas Agro_Allied Global_Services Logistics Nigeria Investments Properties",
        legal_forms: "Limited Ltd. Nig._Ltd. PLC Enterprises",
        weight: 4,
        ..locale("ng", &["NG", "GH"])
    },
    Locale {
        male: "Juma Baraka Hamisi Omari Rashidi Salim Bakari Hassani Mwangi Kamau Otieno Odhiambo Kipchoge Wanjiru Mutua Kimani Njoroge Ochieng Makena Jabari Issa Athumani Saidi Ramadhani Abdallah",
        female: "Amani Zawadi Neema Rehema Mwanaisha Halima Imani Upendo Furaha Baraka Wanjiku Akinyi Achieng Njeri Nyambura Wairimu Mwajuma Subira Tumaini Asha Saida Zuhura Mariamu Fatuma Khadija",
        family: "Mwangi Kamau Otieno Odhiambo Wanjiru Kimani Njoroge Ochieng Mutua Kariuki Omondi Onyango Kiprop Chebet Juma Hamisi Mohamed Salim Ally Mbwana Mushi Massawe Lyimo Kimaro Swai Mrema Shirima Temba Nyerere Magufuli",
        company_words: "Kilimanjaro Serengeti Pwani Jambo Safari Mombasa Nairobi Tembo Simba Uhuru Upendo Umoja",
        industries: "Traders Enterprises Logistics Agencies Investments Holdings Hardware Supplies Tours",
        legal_forms: "Limited Ltd. Company_Limited",
        weight: 3,
        ..locale("sw", &["KE", "TZ", "UG"])
    },
];
